/**
 * Per-agency trusted documents: an agency in enforce mode runs only the operations in
 * its own policy document, named by id or hash; another agency cannot use them.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgencyDocument } from '../../policies/index.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { agencyDocument, createTestClient, type TestClient } from '../identity.js'
import { everyType, TEST_PURPOSE, testPurposes } from '../policies.js'

const LOOKUP = 'query TraCuu($code: TaxCode!) { enterprise(code: $code) { code nameVi } }'
let gw: TestGateway
let other: TestClient
beforeAll(async () => {
  other = await createTestClient('other-client', 'other-agency')
  gw = await createTestGateway({
    policies: (identity) => {
      const grants = [
        { id: 'kiem-thu', purposes: [TEST_PURPOSE], legalBasis: 'test', allow: everyType(), require: { caseId: false, endUser: false, signedContext: false } },
      ]
      const strict: AgencyDocument = {
        ...agencyDocument('test-agency', [identity.client]),
        grants,
        trustedDocuments: { mode: 'enforce', documents: { 'tra-cuu': LOOKUP } },
      }
      const open: AgencyDocument = { ...agencyDocument('other-agency', [other]), grants }
      return { agencies: [strict, open], purposes: testPurposes }
    },
  })
}, 60_000)
afterAll(async () => {
  await gw?.close()
})

async function send(body: unknown, token?: string) {
  const res = await gw.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? (await gw.identity.token())}`, 'x-purpose': TEST_PURPOSE },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

describe('trusted documents', () => {
  it('runs a trusted document named by id, and by the SHA-256 of its text', async () => {
    const variables = { code: gw.world.examples.enterpriseCode }
    const byId = await send({ documentId: 'tra-cuu', variables })
    expect(byId.status, JSON.stringify(byId.body)).toBe(200)
    expect(byId.body.data.enterprise.code).toBe(gw.world.examples.enterpriseCode)
    const hash = createHash('sha256').update(LOOKUP).digest('hex')
    const byHash = await send({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })
    expect(byHash.status, JSON.stringify(byHash.body)).toBe(200)
    expect(byHash.body.data.enterprise.code).toBe(gw.world.examples.enterpriseCode)
  })

  it('refuses any other query text from an agency in enforce mode, before any registry call, audited', async () => {
    gw.resetHits()
    const before = gw.audit.events.length
    const res = await send({ query: `{ enterprise(code: "${gw.world.examples.enterpriseCode}") { code legalRepresentatives { pin } } }` })
    expect(res.status).toBe(403)
    expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN')
    expect(res.body.data ?? null).toBeNull()
    expect(gw.sandboxes.business.hits()).toBe(0)
    expect(gw.audit.events.length - before).toBe(1)
    expect(gw.audit.events.at(-1)).toMatchObject({ decision: 'denied', code: 'FORBIDDEN', status: 403 })
  })

  it('refuses an unknown id', async () => {
    const res = await send({ documentId: 'khong-co', variables: {} })
    expect(res.status).toBe(400)
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT')
  })

  it("another agency may send query texts, but not use this agency's document ids", async () => {
    const token = await gw.identity.token({ ...other } as never)
    const text = await send({ query: '{ administrativeUnit(code: "01") { code } }' }, token)
    expect(text.status, JSON.stringify(text.body)).toBe(200)
    const borrowed = await send({ documentId: 'tra-cuu', variables: { code: gw.world.examples.enterpriseCode } }, token)
    expect(borrowed.status).toBe(400)
    expect(borrowed.body.data ?? null).toBeNull()
  })
})
