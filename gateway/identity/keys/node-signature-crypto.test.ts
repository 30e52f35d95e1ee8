import { expect, it } from 'vitest'
import { webSignatureCrypto } from '../../../connectors/index.js'
import { signReceipt } from '../../http/proofs.js'
import { decodeReceipt, verifyReceipt } from '../../../verify/index.js'
import { receiptClaimsFor } from '../../../test/receipt-claims.js'
import { nodeSignatureCrypto } from './node-signature-crypto.node.js'

const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const

it.each([
  ['node:crypto', nodeSignatureCrypto],
  ['WebCrypto', webSignatureCrypto],
])('%s signs what WebCrypto verifies, and hashes as WebCrypto does', async (_name, primitives) => {
  const { privateKey, publicKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
  const data = new TextEncoder().encode('Sở Tư pháp — câu trả lời')
  const signature = await primitives.es256(privateKey, data)
  expect(signature).toHaveLength(64)
  expect(await crypto.subtle.verify(ECDSA, publicKey, new Uint8Array(signature), data)).toBe(true)
  expect(await crypto.subtle.verify(ECDSA, publicKey, new Uint8Array(signature), new TextEncoder().encode('khác'))).toBe(false)
  expect([...(await primitives.sha256(data))]).toEqual([...new Uint8Array(await crypto.subtle.digest('SHA-256', data))])
  const jwk = { ...(await crypto.subtle.exportKey('jwk', publicKey)), kid: 'k' }
  const body = { data: { ok: 1 } }
  const claims = await receiptClaimsFor(body)
  const receipt = await signReceipt(claims, { kid: 'k', privateKey }, primitives)
  expect(decodeReceipt(receipt)?.claims).toEqual(claims)
  expect(await verifyReceipt({ response: body, receipt, keys: { keys: [jwk] } })).toMatchObject({ ok: true })
})
