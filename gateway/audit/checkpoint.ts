/**
 * Signed checkpoints: every N events or T seconds a writer signs its chain's head with the
 * gateway key (a compact JWS, ES256). A checkpoint is what makes a rewritten chain detectable:
 * recomputing every hash after an edit is easy, forging the signature is not. Seq 0 opens a
 * chain (so an invented chain has no signed origin); `final` closes it (nothing may follow).
 */
import { CompactSign, compactVerify, createLocalJWKSet, errors, type JWK } from 'jose'

export const CHECKPOINT_TYPE = 'lgsp-audit-checkpoint+jws'

export interface CheckpointPayload {
  writer: string
  seq: number
  hash: string
  /** ISO time of signing. */
  at: string
  final: boolean
}

export interface SignedCheckpoint extends CheckpointPayload {
  kid: string
  jws: string
}

/** Signs a checkpoint payload. From the gateway's keys at the entry; any key in tests. */
export type CheckpointSigner = (payload: CheckpointPayload) => Promise<SignedCheckpoint>

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * @example
 * const sign = createCheckpointSigner(() => keys.signingKey())
 */
export function createCheckpointSigner(signingKey: () => { kid: string; privateKey: CryptoKey }): CheckpointSigner {
  return async (payload) => {
    const { kid, privateKey } = signingKey()
    const body = { writer: payload.writer, seq: payload.seq, hash: payload.hash, at: payload.at, final: payload.final }
    const jws = await new CompactSign(encoder.encode(JSON.stringify(body))).setProtectedHeader({ alg: 'ES256', kid, typ: CHECKPOINT_TYPE }).sign(privateKey)
    return { ...body, kid, jws }
  }
}

/** The payload of a checkpoint whose signature verifies under one of `jwks`, else null. */
export async function verifyCheckpointJws(jws: string, jwks: JWK[]): Promise<CheckpointPayload | null> {
  try {
    const { payload, protectedHeader } = await compactVerify(jws, createLocalJWKSet({ keys: jwks }), { algorithms: ['ES256'] })
    if (protectedHeader.typ !== CHECKPOINT_TYPE) return null
    const value = JSON.parse(decoder.decode(payload)) as Partial<CheckpointPayload>
    if (
      typeof value.writer !== 'string' ||
      typeof value.seq !== 'number' ||
      typeof value.hash !== 'string' ||
      typeof value.at !== 'string' ||
      typeof value.final !== 'boolean'
    )
      return null
    return { writer: value.writer, seq: value.seq, hash: value.hash, at: value.at, final: value.final }
  } catch (error) {
    if (error instanceof errors.JOSEError || error instanceof SyntaxError) return null
    throw error
  }
}
