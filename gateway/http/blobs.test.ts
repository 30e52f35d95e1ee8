import { createHash } from 'node:crypto'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, type Database } from '../database/index.js'
import { openPglite } from '../database/pglite.node.js'
import type { GatewayEnv } from '../env.js'
import { errorHandler } from './error-handler.js'
import { createDatabaseBlobStore, createDossierStore, MAX_BLOB_BYTES } from '../exchange/index.js'
import { createPolicyRuntime } from '../policy/index.js'
import { createMemoryRateLimiter } from '../ratelimit/memory.js'
import { silentLogger } from '../logger.js'
import { blobRoutes } from './blobs.js'
import type { Caller } from '../identity/caller.js'

let db: Database
let app: Hono<GatewayEnv>
let agency = 'mot-cua-a'
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const agencyDoc = (id: string, exchange: boolean) => ({
  agency: id,
  name: id,
  suspended: false,
  jurisdiction: { provinces: [], communes: [] },
  clients: [],
  grants: [],
  ...(exchange ? { exchange: { delivery: 'push' as const, endpoint: 'https://desk.example.test', wire: 'igate' as const } } : {}),
})

beforeAll(async () => {
  db = await openPglite()
  await migrate(db)
  app = new Hono<GatewayEnv>()
  app.onError(errorHandler(silentLogger))
  app.use('*', async (c, next) => {
    c.set('caller', { agencyId: agency, clientId: `${agency}-client` } as Caller)
    await next()
  })
  app.route(
    '/',
    blobRoutes({
      blobs: createDatabaseBlobStore(db),
      store: createDossierStore(db),
      policies: createPolicyRuntime({ agencies: [agencyDoc('mot-cua-a', true), agencyDoc('thue-b', false)], purposes: [] }),
      attempts: { limiter: createMemoryRateLimiter(), clientIp: () => '192.0.2.1' },
    }),
  )
})
afterAll(async () => {
  await db?.close()
})

const put = (bytes: Uint8Array, hash: string, type = 'application/pdf') =>
  app.request(`/v1/blobs/${hash}`, {
    method: 'PUT',
    headers: { 'content-type': type, 'content-length': String(bytes.byteLength) },
    body: new Uint8Array(bytes),
  })
const stored = async () => (await db.query<{ n: number }>('select count(*)::int as n from blobs'))[0]!.n

describe('PUT /v1/blobs/{sha256}', () => {
  const page = new TextEncoder().encode('%PDF-1.7 một trang')

  it('stores a part under its hash, once', async () => {
    const res = await put(page, sha(page))
    expect(res.status).toBe(201)
    expect(await res.json()).toEqual({ sha256: sha(page), size: page.byteLength, mediaType: 'application/pdf' })
    expect((await put(page, sha(page))).status).toBe(201)
  })

  it.each([
    ['content that does not match the hash in the path', () => put(page, 'f'.repeat(64)), 400, 'BAD_USER_INPUT'],
    ['a path that is not a hash', () => put(page, '..%2F..%2Fetc'), 400, 'BAD_USER_INPUT'],
    ['a media type with a parameter', () => put(page, sha(page), 'application/pdf; charset=x'), 415, 'BAD_USER_INPUT'],
    ['a part over 10 MB', () => put(new Uint8Array(MAX_BLOB_BYTES + 1), 'a'.repeat(64)), 413, 'PAYLOAD_TOO_LARGE'],
  ])('refuses %s, and stores nothing', async (_case, send, status, code) => {
    const before = await stored()
    const res = await send()
    expect(res.status).toBe(status)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code)
    expect(await stored()).toBe(before)
  })

  it('refuses an agency not registered for the exchange', async () => {
    agency = 'thue-b'
    try {
      expect((await put(page, sha(page))).status).toBe(403)
    } finally {
      agency = 'mot-cua-a'
    }
  })

  it('a part no dossier names is nobody’s to read: 404, as a missing one', async () => {
    expect((await app.request(`/v1/blobs/${sha(page)}`)).status).toBe(404)
  })

  it('holds one agency’s uploads to its burst, then 429 with Retry-After', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 70; i++) {
      const bytes = new TextEncoder().encode(`trang ${i}`)
      statuses.push((await put(bytes, sha(bytes))).status)
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0)
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(60)
  })
})
