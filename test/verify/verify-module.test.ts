/** The pieces of verify/ the gateway shares, against independent references (properties). */
import fc from 'fast-check'
import { expect, it } from 'vitest'
import { base64url, canonicalJson, responseHashInput, withoutReceipt } from '../../verify/index.js'

/** The plain way to write canonical JSON (sort the entries, map, join): the oracle for the loop version. */
const reference = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(reference).join(',')}]`
    : value !== null && typeof value === 'object'
      ? `{${Object.entries(value)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([key, item]) => `${JSON.stringify(key)}:${reference(item)}`)
          .join(',')}}`
      : JSON.stringify(value)

it('base64url encodes as Node does, for every length', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      expect(base64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'))
    }),
  )
})

it('canonicalJson is JSON with keys sorted, whatever the order they were written in', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      expect(canonicalJson(value)).toBe(reference(value))
      expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value))
    }),
  )
})

it('a response hashes the same with its receipt in extensions as without, and with other extensions kept', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), fc.option(fc.dictionary(fc.string(), fc.jsonValue())), (data, receipt, extra) => {
      const body: Record<string, unknown> = { data, ...(extra ? { extensions: extra } : {}) }
      const withReceipt = { ...body, extensions: { ...(extra ?? {}), receipt } }
      const expected = extra && Object.keys(extra).some((k) => k !== 'receipt') ? withoutReceipt(body) : { data }
      expect(responseHashInput(withReceipt, 'json')).toBe(canonicalJson(expected))
    }),
  )
})
