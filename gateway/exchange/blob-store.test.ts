/**
 * The blob store's promise, on every adapter (files, PGlite, PostgreSQL): a part is stored only
 * when its content matches its declared hash and its limits, is read back by hash, and is
 * refused — never handed on — when its bytes changed at rest.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bothDatabases } from '../../test/services/databases.js'
import { type Database, migrate } from '../database/index.js'
import { type BlobError, type BlobStore, checkedForStore, createDatabaseBlobStore, MAX_BLOB_BYTES } from './blob-store.js'
import { createFileBlobStore } from './blob-store-files.node.js'

const { adapters } = bothDatabases('blobs')
const encoder = new TextEncoder()
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const PDF = encoder.encode('%PDF-1.7 synthetic scan of a land-use certificate')

interface Subject {
  name: string
  open(): Promise<{ store: BlobStore; corrupt(sha256: string): Promise<void>; count(): Promise<number>; close(): Promise<void> }>
}

const subjects: Subject[] = [
  {
    name: 'files',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'lgsp-blobs-'))
      const { readdir } = await import('node:fs/promises')
      return {
        store: createFileBlobStore(dir, { maxBytes: 1024 }),
        corrupt: (sha256) => writeFile(join(dir, sha256.slice(0, 2), `${sha256.slice(2)}.bin`), encoder.encode('altered')),
        count: async () => (await readdir(dir, { recursive: true })).filter((name) => String(name).endsWith('.bin')).length,
        close: () => rm(dir, { recursive: true, force: true }),
      }
    },
  },
  ...adapters.map(
    (adapter): Subject => ({
      name: `database on ${adapter.name}`,
      async open() {
        const db: Database = await adapter.open()
        await migrate(db)
        return {
          store: createDatabaseBlobStore(db, { maxBytes: 1024 }),
          corrupt: async (sha256) => {
            await db.query('update blobs set content = $2 where sha256 = $1', [sha256, encoder.encode('altered')])
          },
          count: async () => Number((await db.query<{ n: number }>('select count(*)::int as n from blobs'))[0]!.n),
          close: () => db.close(),
        }
      },
    }),
  ),
]

describe.each(subjects)('blob store: $name', (subject) => {
  let it$: Awaited<ReturnType<Subject['open']>>
  beforeAll(async () => {
    it$ = await subject.open()
  })
  afterAll(async () => {
    await it$?.close()
  })

  it('stores a part under its SHA-256 and reads it back, with its media type', async () => {
    const stored = await it$.store.put(PDF, { mediaType: 'application/pdf', sha256: sha(PDF) })
    expect(stored).toEqual({ sha256: sha(PDF), size: PDF.byteLength, mediaType: 'application/pdf' })
    const read = await it$.store.get(sha(PDF))
    expect(read).toMatchObject(stored)
    expect(Buffer.from(read!.bytes).equals(Buffer.from(PDF))).toBe(true)
    expect(await it$.store.stat(sha(PDF))).toEqual(stored)
  })

  it('stores the same bytes once, and takes a part without a declared hash', async () => {
    const bytes = encoder.encode('the same page twice')
    const before = await it$.count()
    await it$.store.put(bytes, { mediaType: 'image/png' })
    await it$.store.put(bytes, { mediaType: 'image/png', sha256: sha(bytes) })
    expect(await it$.count()).toBe(before + 1)
  })

  it.each<[string, Uint8Array, { mediaType: string; sha256?: string }, BlobError['reason']]>([
    ['content that does not match its declared hash', encoder.encode('page 1'), { mediaType: 'application/pdf', sha256: 'f'.repeat(64) }, 'HASH_MISMATCH'],
    ['a part over the size limit', new Uint8Array(1025), { mediaType: 'application/pdf' }, 'TOO_LARGE'],
    ['a declared hash that is not one', encoder.encode('page 1'), { mediaType: 'application/pdf', sha256: 'ABC' }, 'BAD_HASH'],
    ['a media type that is not one', encoder.encode('page 1'), { mediaType: 'pdf' }, 'BAD_MEDIA_TYPE'],
    ['a media type with a parameter', encoder.encode('page 1'), { mediaType: 'text/plain; charset=utf-8' }, 'BAD_MEDIA_TYPE'],
  ])('refuses %s, and stores nothing', async (_case, bytes, options, reason) => {
    const before = await it$.count()
    await expect(it$.store.put(bytes, options)).rejects.toMatchObject({ name: 'BlobError', reason })
    expect(await it$.count()).toBe(before)
    expect(await it$.store.get(sha(bytes))).toBeNull()
    expect(await it$.store.stat(sha(bytes))).toBeNull()
  })

  it('answers null for a hash it does not hold, or one that is not a hash', async () => {
    expect(await it$.store.get('0'.repeat(64))).toBeNull()
    expect(await it$.store.get('../../etc/passwd')).toBeNull()
    expect(await it$.store.stat('0'.repeat(64))).toBeNull()
    expect(await it$.store.stat('../../etc/passwd')).toBeNull()
  })

  it('refuses a part whose bytes changed at rest, rather than hand them on', async () => {
    const bytes = encoder.encode('a page someone will alter on disk')
    await it$.store.put(bytes, { mediaType: 'application/pdf' })
    await it$.corrupt(sha(bytes))
    await expect(it$.store.get(sha(bytes))).rejects.toMatchObject({ name: 'BlobError', reason: 'CORRUPT' })
  })
})

it('by default a part may be 10 MB, and not a byte more', async () => {
  await expect(checkedForStore(new Uint8Array(MAX_BLOB_BYTES), { mediaType: 'application/pdf' })).resolves.toMatchObject({ size: 10 * 1024 * 1024 })
  await expect(checkedForStore(new Uint8Array(MAX_BLOB_BYTES + 1), { mediaType: 'application/pdf' })).rejects.toMatchObject({ reason: 'TOO_LARGE' })
})
