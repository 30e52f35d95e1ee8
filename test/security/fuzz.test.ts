/**
 * Fuzzing the public surface with fast-check: random JSON bodies, random GraphQL-ish
 * documents, random headers. Whatever a client sends, the gateway answers: never a crash, never
 * a 5xx for the client's own mistake, never a stack trace or an internal path in the body.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestGateway, type TestGateway } from '../harness.js'
import { LEAKS } from './raw-http.js'

let gw: TestGateway
let token = ''
beforeAll(async () => {
  gw = await createTestGateway()
  token = await gw.identity.token()
}, 60_000)
afterAll(async () => {
  await gw?.close()
})

async function expectSafe(res: Response): Promise<string> {
  const text = await res.text()
  expect(res.status, text).toBeLessThan(500)
  expect(text).not.toMatch(LEAKS)
  return text
}

const words = fc.constantFrom(
  'query',
  'mutation',
  'subscription',
  'fragment',
  'on',
  '{',
  '}',
  '(',
  ')',
  ':',
  '$',
  '!',
  '@',
  '...',
  '"',
  'citizen',
  'enterprise',
  'code',
  'pin',
  'name',
  'full',
  '__schema',
  '__typename',
  'first',
  '1',
  '"0149758831"',
  '[',
  ']',
  ',',
  '=',
  '#',
  'null',
  'true',
)
const documents = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.array(words, { maxLength: 60 }).map((parts) => parts.join(' ')),
)
const json = fc.jsonValue({ maxDepth: 4 })

describe('fuzzing the public surface', () => {
  it('random GraphQL-ish documents with random variables', async () => {
    await fc.assert(
      fc.asyncProperty(documents, fc.option(json), fc.option(fc.string({ maxLength: 20 })), async (query, variables, operationName) => {
        const res = await gw.app.request('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'KIEM_THU' },
          body: JSON.stringify({ query, variables, operationName }),
        })
        await expectSafe(res)
      }),
      { numRuns: 250 },
    )
  }, 120_000)

  it('random JSON bodies and raw bytes', async () => {
    const bodies = fc.oneof(
      json.map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => new TextDecoder('latin1').decode(bytes)),
    )
    await fc.assert(
      fc.asyncProperty(
        bodies,
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/graphql-response+json', ''),
        async (body, type) => {
          const res = await gw.app.request('/graphql', {
            method: 'POST',
            headers: { ...(type ? { 'content-type': type } : {}), authorization: `Bearer ${token}`, 'x-purpose': 'KIEM_THU' },
            body,
          })
          await expectSafe(res)
        },
      ),
      { numRuns: 250 },
    )
  }, 120_000)

  it('random context headers and authorization values', async () => {
    const header = fc.string({ maxLength: 120 }).filter((value) => !/[\r\n\0]/.test(value))
    await fc.assert(
      fc.asyncProperty(header, header, header, header, async (purpose, caseId, endUser, authorization) => {
        const res = await gw.app.request('/graphql', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${authorization.replace(/[^\x21-\x7e]/g, '')}`,
            'x-purpose': purpose.replace(/[^\x20-\x7e]/g, ''),
            'x-case-id': caseId.replace(/[^\x20-\x7e]/g, ''),
            'x-end-user': endUser.replace(/[^\x20-\x7e]/g, ''),
          },
          body: '{"query":"{ __typename }"}',
        })
        await expectSafe(res)
      }),
      { numRuns: 200 },
    )
  }, 120_000)

  it('random paths and methods', async () => {
    const segment = fc.constantFrom(
      'graphql',
      'admin',
      'api',
      'audit',
      '..',
      '%2e%2e',
      'oauth',
      'token',
      'v1',
      'access-history',
      '.well-known',
      'jwks.json',
      'readyz',
      '%00',
      'etc',
      'passwd',
    )
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 6 }), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), async (segments, method) => {
        const res = await gw.app.request(`/${segments.join('/')}`, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(method === 'GET' || method === 'OPTIONS' ? {} : { body: '{}' }),
        })
        // `..` resolves like any URL (to a real route or to 404); no file is ever served.
        expect(await expectSafe(res)).not.toMatch(/root:.*:0:0:/)
      }),
      { numRuns: 200 },
    )
  }, 120_000)
})
