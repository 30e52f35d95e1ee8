import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pushIdempotencyKey } from '../../connectors/index.js'
import { parseIdempotencyKey, requestHash } from './idempotency.js'

describe('the Idempotency-Key header', () => {
  it.each<[string | undefined, string | null]>([
    ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['"a"', 'a'],
    [`"${'k'.repeat(255)}"`, 'k'.repeat(255)],
    ['  "spaced"  ', 'spaced'],
    ['"with \\"quotes\\""', 'with "quotes"'],
    [undefined, null],
  ])('%s reads as %s', (header, key) => {
    expect(parseIdempotencyKey(header)).toEqual(key === null ? null : { ok: true, key })
  })

  it.each([
    ['a token, not a string', '8e03978e-40d5'],
    ['a number', '42'],
    ['an empty string', '""'],
    ['256 characters', `"${'k'.repeat(256)}"`],
    ['a string with a parameter', '"abc";v=1'],
    ['a list', '"a", "b"'],
    ['an unterminated string', '"abc'],
    ['a non-ASCII string', '"khóa"'],
    ['a control character', '"a\tb"'],
    ['nothing', ''],
  ])('refuses %s', (_case, header) => {
    expect(parseIdempotencyKey(header)).toMatchObject({ ok: false, message: expect.stringContaining('Idempotency-Key must be a quoted string') })
  })
})

describe('the request hash', () => {
  const base = { field: 'acceptDossier', args: { code: 'G09.20-20261204-0000001', note: 'ok' } }

  it('is the same for the same step, whatever the order of its arguments', async () => {
    expect(await requestHash(base)).toMatch(/^[0-9a-f]{64}$/)
    expect(await requestHash({ ...base, args: { note: 'ok', code: 'G09.20-20261204-0000001' } })).toBe(await requestHash(base))
  })

  it.each([
    ['another argument value', { ...base, args: { ...base.args, note: 'not ok' } }],
    ['another step', { ...base, field: 'rejectDossier' }],
    ['an argument left out', { ...base, args: { code: base.args.code } }],
  ])('differs for %s', async (_case, other) => {
    expect(await requestHash(other)).not.toBe(await requestHash(base))
  })
})

describe('the Idempotency-Key a push carries', () => {
  it('is read back by the same rules the gateway reads steps with, for any message id', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uuid(), fc.string({ unit: fc.constantFrom(...'abc"\\ -_09'), minLength: 1, maxLength: 60 })), (id) => {
        expect(parseIdempotencyKey(pushIdempotencyKey(id))).toEqual({ ok: true, key: id })
      }),
    )
  })
})
