/**
 * The local operator credential: a random secret the gateway makes at every start and writes to
 * a file only its own OS account can read (mode 0600 in DATA_DIR). Whoever can read that file can
 * already read the database and the gateway's keys, so the credential grants nothing new: it
 * lets the CLI on the same machine act through the running gateway (the embedded database admits
 * one process) and create the first console account, after which staff tokens name the person.
 *
 * The gateway keeps only the secret's SHA-256 and accepts it only over a loopback connection.
 */
import { hex, sha256Hex } from '../../support/index.js'

/** A prefix tells it from a staff token at a glance (and in a leaked-secret scan). */
export const LOCAL_CREDENTIAL_PREFIX = 'lgsp-local-'
const SHAPE = /^lgsp-local-[0-9a-f]{64}$/

export function newLocalCredential(): string {
  return `${LOCAL_CREDENTIAL_PREFIX}${hex(crypto.getRandomValues(new Uint8Array(32)))}`
}

export const localCredentialHash = (credential: string): Promise<string> => sha256Hex(credential)

/** Compared by hash, in constant time over the hash: the secret's length and prefix tell nothing. */
export async function matchesLocalCredential(presented: string, expectedHash: string): Promise<boolean> {
  if (!SHAPE.test(presented)) return false
  const actual = await sha256Hex(presented)
  if (actual.length !== expectedHash.length) return false
  let diff = 0
  for (let i = 0; i < actual.length; i++) diff |= actual.charCodeAt(i) ^ expectedHash.charCodeAt(i)
  return diff === 0
}

/** The OS account the CLI says runs it: recorded with the local actor, letters and digits only. */
export function localActor(osUser: string | undefined): string {
  const name = (osUser ?? '').replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 60)
  return `local:${name || 'unknown'}`
}
