import type { ReceiptClaims } from '../verify/index.js'
import { responseHash } from '../verify/index.js'

/** Receipt claims for `body`, as the gateway would write them, with `overrides` on top: for tests that sign receipts by hand. */
export async function receiptClaimsFor(body: object, overrides: Partial<ReceiptClaims> = {}): Promise<ReceiptClaims> {
  return {
    iss: 'https://lgsp.example.test',
    iat: Math.floor(Date.now() / 1000),
    request_id: 'r-1',
    audit_event: crypto.randomUUID(),
    policy_version: 1,
    agency: null,
    status: 200,
    request_sha256: 'x'.repeat(43),
    response_sha256: await responseHash(body, 'json'),
    response_form: 'json',
    ...overrides,
  }
}
