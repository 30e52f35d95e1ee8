import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { checkedForStore, checkedOnRead, isBlobHash, type BlobStore } from './blob-store.js'

/**
 * Parts as files under a directory (DATA_DIR/blobs for the embedded gateway): `ab/cdef….bin` and
 * its media type beside it. A part is written to a temporary name and renamed into place, so a
 * reader never sees half a file, and a crash leaves at most a temporary file behind.
 */
export function createFileBlobStore(dir: string, options: { maxBytes?: number } = {}): BlobStore {
  const pathOf = (sha256: string) => join(dir, sha256.slice(0, 2), sha256.slice(2))
  return {
    async put(bytes, put) {
      const stored = await checkedForStore(bytes, { ...put, ...options })
      const path = pathOf(stored.sha256)
      await mkdir(join(dir, stored.sha256.slice(0, 2)), { recursive: true, mode: 0o700 })
      const temporary = `${path}.${crypto.randomUUID()}.tmp`
      await writeFile(`${temporary}.type`, stored.mediaType, { mode: 0o600 })
      await writeFile(temporary, bytes, { mode: 0o600 })
      await rename(`${temporary}.type`, `${path}.type`)
      await rename(temporary, `${path}.bin`)
      return stored
    },
    async get(sha256) {
      if (!isBlobHash(sha256)) return null
      const path = pathOf(sha256)
      let bytes: Uint8Array
      let mediaType: string
      try {
        ;[bytes, mediaType] = await Promise.all([readFile(`${path}.bin`), readFile(`${path}.type`, 'utf8')])
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ENOENT') return null
        throw error
      }
      return checkedOnRead(sha256, { sha256, size: bytes.byteLength, mediaType, bytes: new Uint8Array(bytes) })
    },
    async stat(sha256) {
      if (!isBlobHash(sha256)) return null
      const path = pathOf(sha256)
      try {
        const [info, mediaType] = await Promise.all([stat(`${path}.bin`), readFile(`${path}.type`, 'utf8')])
        return { sha256, size: info.size, mediaType }
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ENOENT') return null
        throw error
      }
    },
  }
}
