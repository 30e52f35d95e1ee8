/**
 * One structured line per request at `info`: request id, trace id (from a W3C traceparent),
 * agency, client, purpose, decision, status, duration and the rate-limit cost — and never an
 * identifier, whatever the request asked about. Also for a request refused before GraphQL.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { traceIdOf } from '../gateway/http/access-log.js'
import { createMemoryRateLimiter } from '../gateway/ratelimit/index.js'
import { createTestGateway, type TestGateway } from './harness.js'
import { recordingLogger } from './recording-logger.js'
import { limitedTestPolicies, TEST_PURPOSE } from './policies.js'

const { logger, lines } = recordingLogger()
const limiter = createMemoryRateLimiter()
let gw: TestGateway

beforeAll(async () => {
  gw = await createTestGateway({
    logger,
    rateLimiter: limiter,
    policies: (identity) => limitedTestPolicies(identity),
  })
}, 60_000)
afterAll(async () => {
  await limiter.close()
  await gw?.close()
})

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'

it('a read: one line with who, why, how it ended, how long and its cost, and no identifier', async () => {
  const pin = gw.world.examples.representativePin
  lines.length = 0
  const res = await gw.graphql('query($pin: PIN!) { citizen(pin: $pin) { name { full } } }', { pin }, { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` })
  expect(res.status).toBe(200)
  const requests = lines.filter((line) => line.message === 'request')
  expect(requests).toHaveLength(1)
  expect(requests[0]!.level).toBe('info')
  expect(requests[0]!.object).toMatchObject({
    requestId: res.headers.get('x-request-id'),
    traceId: TRACE,
    kind: 'access.graphql',
    agency: 'test-agency',
    client: gw.identity.client.clientId,
    purpose: TEST_PURPOSE,
    decision: 'granted',
    status: 200,
    cost: expect.any(Number),
    ms: expect.any(Number),
  })
  // Nothing anywhere in what was logged holds the PIN asked about.
  expect(JSON.stringify(lines)).not.toContain(pin)
})

it('a request refused before GraphQL has its line too', async () => {
  lines.length = 0
  const res = await gw.app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })
  expect(res.status).toBe(401)
  expect(lines.filter((line) => line.message === 'request').map((line) => line.object)).toEqual([
    expect.objectContaining({ kind: 'access.graphql', status: 401, decision: 'unauthenticated' }),
  ])
})

it.each([
  [`00-${TRACE}-00f067aa0ba902b7-01`, TRACE],
  [` 00-${TRACE}-00f067aa0ba902b7-00 `, TRACE],
  [`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, undefined],
  [`00-${TRACE}-${'0'.repeat(16)}-01`, undefined],
  [`01-${TRACE}-00f067aa0ba902b7-01`, undefined],
  [`00-${TRACE.toUpperCase()}-00f067aa0ba902b7-01`, undefined],
  ['garbage', undefined],
  [undefined, undefined],
])('traceparent %j has trace id %s', (header, expected) => expect(traceIdOf(header)).toBe(expected))
