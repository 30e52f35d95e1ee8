import { Hono } from 'hono'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createAuditDraft } from '../audit/index.js'
import { migrate, type Database } from '../database/index.js'
import { openPglite } from '../database/pglite.node.js'
import type { GatewayEnv } from '../env.js'
import { createDossierStore } from '../exchange/index.js'
import { createMemoryRateLimiter } from '../ratelimit/memory.js'
import { dossierStatusRoutes } from './dossier-status.js'

let db: Database
beforeAll(async () => {
  db = await openPglite()
  await migrate(db)
})
afterAll(async () => {
  await db?.close()
})

it('slows a loop guessing receipt secrets from one address: 429 with Retry-After once the burst is spent, another address unaffected', async () => {
  const app = new Hono<GatewayEnv>()
  app.use('*', async (c, next) => {
    c.set('audit', createAuditDraft('dossier.looked_up'))
    await next()
  })
  let address = '203.0.113.7'
  app.route(
    '/',
    dossierStatusRoutes({
      store: createDossierStore(db),
      hash: (value) => Buffer.from(value).toString('base64url').padEnd(22, 'A').slice(0, 22),
      verifyCitizen: async () => null,
      attempts: { limiter: createMemoryRateLimiter(), clientIp: () => address },
    }),
  )
  const statuses: number[] = []
  for (let i = 0; i < 40; i++) statuses.push((await app.request(`/v1/dossiers/status?code=G09.20-20261204-0000001&secret=GUESS${i}`)).status)
  // The burst of 30 answered (a missing dossier), then refused.
  expect(statuses.slice(0, 30).every((status) => status === 404)).toBe(true)
  expect(statuses.slice(30).every((status) => status === 429)).toBe(true)
  const refused = await app.request('/v1/dossiers/status?code=G09.20-20261204-0000001&secret=GUESS')
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
  address = '198.51.100.9'
  expect((await app.request('/v1/dossiers/status?code=G09.20-20261204-0000001&secret=GUESS')).status).toBe(404)
})
