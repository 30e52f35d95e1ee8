/** Audit test helpers: a signing key and a valid event, varied per test. */
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { createCheckpointSigner, type AuditEvent, type CheckpointSigner } from '../gateway/audit/index.js'

export async function testSigner(): Promise<{ sign: CheckpointSigner; jwks: JWK[] }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const kid = `test-${crypto.randomUUID().slice(0, 8)}`
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256' }
  return { sign: createCheckpointSigner(() => ({ kid, privateKey })), jwks: [jwk] }
}

let counter = 0
export function testEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  counter += 1
  return {
    v: 1,
    id: crypto.randomUUID(),
    at: new Date().toISOString(),
    kind: 'access.graphql',
    requestId: `req-${counter}`,
    instance: 'test',
    agency: 'test-agency',
    client: 'test-client',
    purpose: 'KIEM_THU',
    decision: 'granted',
    status: 200,
    subjects: ['AAAAAAAAAAAAAAAAAAAAAA'],
    latencyMs: 1.5,
    ...overrides,
  }
}
