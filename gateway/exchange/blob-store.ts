import type { Queryable } from '../database/index.js'
import { sha256HexOfBytes } from '../support/index.js'

/** The largest document part the exchange carries. */
export const MAX_BLOB_BYTES = 10 * 1024 * 1024

export interface StoredBlob {
  sha256: string
  size: number
  mediaType: string
}

export interface Blob extends StoredBlob {
  bytes: Uint8Array
}

/** Why a part was not stored or could not be read: each a clear refusal, nothing half-written. */
export class BlobError extends Error {
  override name = BlobError.name
  constructor(
    readonly reason: 'TOO_LARGE' | 'HASH_MISMATCH' | 'CORRUPT' | 'BAD_HASH' | 'BAD_MEDIA_TYPE',
    message: string,
  ) {
    super(message)
  }
}

/**
 * Document parts by their SHA-256. `put` checks the hash the sender declared (when it declares
 * one) before anything is stored; `get` checks it again on every read, so bytes changed at rest
 * are refused, never handed on. The same bytes are stored once.
 */
export interface BlobStore {
  put(bytes: Uint8Array, options: { mediaType: string; sha256?: string }): Promise<StoredBlob>
  get(sha256: string): Promise<Blob | null>
  /** What is stored under `sha256` (size and media type), without reading the content; null: nothing. */
  stat(sha256: string): Promise<StoredBlob | null>
}

const HASH = /^[0-9a-f]{64}$/
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/

/** The checks every adapter makes before it stores: size, media type and the declared hash. */
export async function checkedForStore(bytes: Uint8Array, options: { mediaType: string; sha256?: string; maxBytes?: number }): Promise<StoredBlob> {
  const max = options.maxBytes ?? MAX_BLOB_BYTES
  if (bytes.byteLength > max) throw new BlobError('TOO_LARGE', `A part may be ${max} bytes at most; this one is ${bytes.byteLength}`)
  if (!MEDIA_TYPE.test(options.mediaType)) throw new BlobError('BAD_MEDIA_TYPE', 'The media type must be type/subtype, in lower case')
  if (options.sha256 !== undefined && !HASH.test(options.sha256)) throw new BlobError('BAD_HASH', 'A SHA-256 is 64 lower-case hex digits')
  const sha256 = await sha256HexOfBytes(bytes)
  if (options.sha256 !== undefined && options.sha256 !== sha256) {
    throw new BlobError('HASH_MISMATCH', `The part's content does not match its SHA-256: declared ${options.sha256}, content ${sha256}`)
  }
  return { sha256, size: bytes.byteLength, mediaType: options.mediaType }
}

/** What every adapter checks on a read: the bytes are the ones the hash names. */
export async function checkedOnRead(sha256: string, blob: Blob): Promise<Blob> {
  if ((await sha256HexOfBytes(blob.bytes)) !== sha256) throw new BlobError('CORRUPT', `Stored part ${sha256} no longer matches its hash`)
  return blob
}

export const isBlobHash = (value: string): boolean => HASH.test(value)

/** Parts in the database (the `blobs` table): one store every instance shares. */
export function createDatabaseBlobStore(db: Queryable, options: { maxBytes?: number } = {}): BlobStore {
  return {
    async put(bytes, put) {
      const stored = await checkedForStore(bytes, { ...put, ...options })
      await db.query('insert into blobs (sha256, media_type, size, content) values ($1, $2, $3, $4) on conflict (sha256) do nothing', [
        stored.sha256,
        stored.mediaType,
        stored.size,
        bytes,
      ])
      return stored
    },
    async get(sha256) {
      if (!isBlobHash(sha256)) return null
      const [row] = await db.query<{ media_type: string; size: number; content: Uint8Array }>('select media_type, size, content from blobs where sha256 = $1', [
        sha256,
      ])
      if (!row) return null
      const bytes = new Uint8Array(row.content)
      return checkedOnRead(sha256, { sha256, size: bytes.byteLength, mediaType: row.media_type, bytes })
    },
    async stat(sha256) {
      if (!isBlobHash(sha256)) return null
      const [row] = await db.query<{ media_type: string; size: number }>('select media_type, size from blobs where sha256 = $1', [sha256])
      return row ? { sha256, size: Number(row.size), mediaType: row.media_type } : null
    },
  }
}
