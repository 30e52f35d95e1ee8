/**
 * The hash chain: each writer (one gateway process, or one CLI run) keeps its own
 * chain, so several instances write at once without coordinating. Event n of a chain commits to
 * its writer, its sequence number, the hash of event n-1 and its canonical body:
 *
 *   hash(n) = SHA-256("lgsp-audit-v1" LF writer LF seq LF prevHash LF body)
 *
 * An altered body, a changed sequence number (reordering), a removed event (a gap, or a broken
 * link) or one inserted in the middle all break the chain. Signed checkpoints (checkpoint.ts)
 * pin a chain's head, so rewriting a whole chain needs the gateway's private key.
 */
import { sha256Hex } from '../support/index.js'

/** The `prevHash` of a chain's first event. */
export const GENESIS_HASH = '0'.repeat(64)
const DOMAIN = 'lgsp-audit-v1'

/**
 * SHA-256 hex of a UTF-8 string. WebCrypto's by default; a Node entry passes node:crypto's,
 * synchronous and ten times cheaper per event (the writer hashes every event on the hot path).
 */
export type Sha256 = (text: string) => string | Promise<string>

/** The hash of one chain link. */
export async function linkHash(writer: string, seq: number, prevHash: string, body: string, sha256: Sha256 = sha256Hex): Promise<string> {
  return sha256(`${DOMAIN}\n${writer}\n${seq}\n${prevHash}\n${body}`)
}

export interface ChainLink {
  seq: number
  prevHash: string
  hash: string
}

/**
 * Links `bodies` onto a chain whose head is (`seq`, `hash`): sequence numbers seq+1, seq+2 …
 * @example
 * const links = await linkBatch('gw-1', { seq: 0, hash: GENESIS_HASH }, [canonicalJson(event)])
 */
export async function linkBatch(
  writer: string,
  head: { seq: number; hash: string },
  bodies: readonly string[],
  sha256: Sha256 = sha256Hex,
): Promise<ChainLink[]> {
  const links: ChainLink[] = []
  let { seq, hash } = head
  for (const body of bodies) {
    const next = await linkHash(writer, seq + 1, hash, body, sha256)
    links.push({ seq: seq + 1, prevHash: hash, hash: next })
    seq += 1
    hash = next
  }
  return links
}
