import { base64url } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGatewayKeys, createMemoryKeyStore, type GatewayKeys } from '../../identity/keys/index.js'
import { createCursorCodec, CURSOR_KEY_LABEL, type CursorBinding, type CursorCodec } from './cursor-codec.js'

const t0 = Date.UTC(2026, 10, 22, 9, 0, 0)
const clock = { now: t0 }
let keys: GatewayKeys
let otherKeys: GatewayKeys
let codec: CursorCodec

const binding: CursorBinding = {
  agency: 'thue-ha-noi',
  purpose: 'QUAN_LY_THUE',
  policyVersion: 7,
  field: 'Query.landParcels',
  args: { holder: { pin: '001085000101' }, first: 5, after: null },
}

beforeAll(async () => {
  keys = createGatewayKeys({ store: createMemoryKeyStore(), now: () => clock.now, refreshMs: 0 })
  otherKeys = createGatewayKeys({ store: createMemoryKeyStore(), now: () => clock.now, refreshMs: 0 })
  await Promise.all([keys.init(), otherKeys.init()])
  codec = createCursorCodec(() => keys.sealingKeys(CURSOR_KEY_LABEL))
})
afterAll(() => {
  keys.close()
  otherKeys.close()
})

const badUserInput = expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })
const refused = (cursor: string, bound: CursorBinding = binding, using: CursorCodec = codec) => expect(using.open(cursor, bound)).rejects.toEqual(badUserInput)

describe('paging cursors: round trip', () => {
  it.each([0, 1, 20, 99_999, 0xffff_ffff])('position %i comes back, from a cursor of 44 opaque characters', async (position) => {
    const cursor = await codec.seal(position, binding)
    expect(cursor).toMatch(/^[A-Za-z0-9_-]{44}$/)
    expect(await codec.open(cursor, binding)).toBe(position)
  })

  it('sealing the same position twice gives two different cursors (random IV), both valid', async () => {
    const [a, b] = [await codec.seal(3, binding), await codec.seal(3, binding)]
    expect(a).not.toBe(b)
    expect([await codec.open(a, binding), await codec.open(b, binding)]).toEqual([3, 3])
  })

  it.each<[string, Record<string, unknown>]>([
    ['another page size', { ...binding.args, first: 50 }],
    ['no after', { holder: { pin: '001085000101' }, first: 5 }],
    ['members in another order', { first: 5, holder: { pin: '001085000101' } }],
    ['an argument given as null rather than left out', { ...binding.args, commune: null }],
  ])('the same list with %s: the cursor still opens', async (_name, args) => {
    const cursor = await codec.seal(11, binding)
    expect(await codec.open(cursor, { ...binding, args })).toBe(11)
  })

  it.each([-1, 1.5, 2 ** 32, Number.NaN])('refuses to seal position %d', async (position) => {
    await expect(codec.seal(position, binding)).rejects.toThrow(RangeError)
  })
})

describe('paging cursors: anything else is BAD_USER_INPUT', () => {
  const oldStyle = (offset: number) => btoa(`o:${offset}`).replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_')

  it.each([
    ['empty', ''],
    ['the old offset cursor o:0', oldStyle(0)],
    ['the old offset cursor o:40', oldStyle(40)],
    ['44 characters of nothing', 'A'.repeat(44)],
    ['44 random-looking characters', 'AZmVvYmFyYmF6cXV4cXV1eHh5enp5MTIzNDU2Nzg5MDEy'],
    ['a character outside base64url', `${'A'.repeat(43)}+`],
    ['padding', `${'A'.repeat(43)}=`],
    ['whitespace around it', ' '.repeat(44)],
  ])('forged: %s', async (_name, cursor) => {
    await refused(cursor)
  })

  it('altered: every byte, one bit flipped', async () => {
    const cursor = await codec.seal(42, binding)
    const bytes = base64url.decode(cursor)
    expect(bytes).toHaveLength(33)
    for (let i = 0; i < bytes.length; i++) {
      const altered = Uint8Array.from(bytes)
      altered[i]! ^= 0x01
      await refused(base64url.encode(altered))
    }
  })

  it('truncated or extended', async () => {
    const cursor = await codec.seal(42, binding)
    for (const length of [0, 1, 20, 42, 43]) await refused(cursor.slice(0, length))
    await refused(`${cursor}A`)
    await refused(`${cursor}${cursor}`)
  })

  it.each<[string, Partial<CursorBinding>]>([
    ['another agency', { agency: 'vpdk-dat-dai-ha-noi' }],
    ['another purpose', { purpose: 'DANG_KY_DAT_DAI' }],
    ['no purpose', { purpose: null }],
    ['another policy version', { policyVersion: 8 }],
    ['another field', { field: 'Query.enterprises' }],
    ['another holder', { args: { holder: { pin: '001085000102' }, first: 5 } }],
    ['the same holder in one commune', { args: { holder: { pin: '001085000101' }, commune: '00097', first: 5 } }],
    ['a taxCode holder with the same digits', { args: { holder: { taxCode: '001085000101' }, first: 5 } }],
  ])('foreign: sealed for this list, opened for %s', async (_name, change) => {
    const cursor = await codec.seal(42, binding)
    await refused(cursor, { ...binding, ...change })
  })

  it('another key: sealed by another gateway', async () => {
    const foreign = createCursorCodec(() => otherKeys.sealingKeys(CURSOR_KEY_LABEL))
    await refused(await foreign.seal(42, binding))
    await refused(await codec.seal(42, binding), binding, foreign)
  })

  it('another key: derived under another label from the same gateway keys', async () => {
    const otherLabel = createCursorCodec(() => keys.sealingKeys('some other sealed value v1'))
    await refused(await otherLabel.seal(42, binding))
  })
})

describe('paging cursors across a rotation of the gateway keys', () => {
  it('a cursor sealed before `keys rotate` opens while the old key is retiring, then is BAD_USER_INPUT', async () => {
    const store = createMemoryKeyStore()
    const local = { now: t0 }
    const rotating = createGatewayKeys({ store, now: () => local.now, refreshMs: 0, maxTokenTtlMs: 300_000, clockSkewMs: 30_000 })
    await rotating.init()
    const rotatingCodec = createCursorCodec(() => rotating.sealingKeys(CURSOR_KEY_LABEL))
    const before = await rotatingCodec.seal(9, binding)

    await rotating.rotate()
    const after = await rotatingCodec.seal(10, binding)
    expect(await rotatingCodec.open(before, binding)).toBe(9)
    expect(await rotatingCodec.open(after, binding)).toBe(10)

    // retireAfter = rotation + token lifetime + skew (+ one refresh interval, 0 here)
    local.now = t0 + 330_001
    await refused(before, binding, rotatingCodec)
    expect(await rotatingCodec.open(after, binding)).toBe(10)
    rotating.close()
  })

  it('another instance on the same key store opens what this one sealed', async () => {
    const store = createMemoryKeyStore()
    const a = createGatewayKeys({ store, now: () => clock.now, refreshMs: 0 })
    await a.init()
    const b = createGatewayKeys({ store, now: () => clock.now, refreshMs: 0 })
    await b.init()
    const cursor = await createCursorCodec(() => a.sealingKeys(CURSOR_KEY_LABEL)).seal(77, binding)
    expect(await createCursorCodec(() => b.sealingKeys(CURSOR_KEY_LABEL)).open(cursor, binding)).toBe(77)
    a.close()
    b.close()
  })
})

describe('paging cursors: what binds, and how refusals read', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, boolean]>([
    ['two list-choosing arguments in either order', { holder: { pin: '1' }, commune: 'X' }, { commune: 'X', holder: { pin: '1' } }, true],
    ['nested members in either order', { filter: { name: 'A', province: '01' } }, { filter: { province: '01', name: 'A' } }, true],
    ['a nested member given as null rather than left out', { filter: { name: 'A', status: null } }, { filter: { name: 'A' } }, true],
    ['a list with a null in it', { ids: [null, 'A'] }, { ids: [null, 'A'] }, true],
    ['a list in another order is another list', { ids: ['A', 'B'] }, { ids: ['B', 'A'] }, false],
    ['another nested value', { filter: { name: 'A' } }, { filter: { name: 'B' } }, false],
  ])('%s', async (_case, sealedWith, openedWith, opens) => {
    const cursor = await codec.seal(4, { ...binding, args: sealedWith })
    if (opens) expect(await codec.open(cursor, { ...binding, args: openedWith })).toBe(4)
    else await refused(cursor, { ...binding, args: openedWith })
  })

  it('a refusal says what to do, as the caller error it is', async () => {
    const error = await codec.open('x'.repeat(44), binding).catch((e: unknown) => e)
    expect(error).toMatchObject({
      message: expect.stringMatching(/^The cursor is not valid for this query: pass the endCursor/),
      extensions: { code: 'BAD_USER_INPUT', http: { status: 200 } },
    })
  })

  it('something that only looks like a cursor when turned into text is refused as a cursor', async () => {
    const cursor = await codec.seal(2, binding)
    await refused({ toString: () => cursor } as unknown as string)
  })

  it('sealing needs a key, and a position in range: both say so', async () => {
    await expect(createCursorCodec(async () => []).seal(1, binding)).rejects.toThrow('No key to seal paging cursors with')
    await expect(codec.seal(-1, binding)).rejects.toThrow('cursor position out of range')
  })
})
