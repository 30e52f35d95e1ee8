/**
 * Paging a row-filtered list through the whole gateway, as the provincial tax office (its land
 * grant sees only parcels addressed in Hà Nội). Found by review: cursors were base64url of
 * `o:N`, so the office could write any offset, and pages were cut before the row filter, so
 * `landParcels(holder, first: 1, after: o:N)` for N = 0..3 answered pages of sizes [0, 0, 1, 0]:
 * two parcels outside its jurisdiction come before the one it may see.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_SCAN_READS } from '../../connectors/kit/index.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { loadSandboxPolicies, sandboxAgencies, tokenFor, type SandboxAgencies } from './sandbox-agencies.js'

let gw: TestGateway
let agencies: SandboxAgencies
const tokens = new Map<string, string>()
/** A person holding parcels outside Hà Nội before, between or after parcels inside it. */
let holder = ''
let visibleKeys: string[] = []
let allKeys: string[] = []
/** Every person holder's parcels, in the registry's order, with whether the tax office sees each. */
const parcelsOf = new Map<string, Array<{ key: string; visible: boolean }>>()

beforeAll(async () => {
  const set = await loadSandboxPolicies()
  // A second purpose for the tax office's land grant, so a cursor can be tried under another one.
  const landLevy = set.agencies.find((a) => a.agency === 'thue-ha-noi')!.grants!.find((g) => g.id === 'land-levy')!
  landLevy.purposes = [...landLevy.purposes, 'DANG_KY_DAT_DAI']
  agencies = await sandboxAgencies(set)
  gw = await createTestGateway({ world: { citizens: 1500, parcels: 500, enterprises: 300 }, policies: () => agencies.set })
  for (const agency of ['thue-ha-noi', 'vpdk-dat-dai-ha-noi']) tokens.set(agency, await tokenFor(gw.identity, agencies, agency))
  for (const parcel of gw.world.parcels) {
    for (const h of parcel.holders) {
      if (h.kind !== 'PERSON') continue
      parcelsOf.set(h.id, [...(parcelsOf.get(h.id) ?? []), { key: parcel.key, visible: parcel.address.provinceCode === '01' }])
    }
  }
  // The registry lists a holder's parcels in the world's order: pick one whose list starts hidden.
  const [pin, parcels] = [...parcelsOf].find(([, list]) => list[0]?.visible === false && list.filter((p) => p.visible).length >= 2)!
  holder = pin
  visibleKeys = parcels.filter((p) => p.visible).map((p) => p.key)
  allKeys = parcels.map((p) => p.key)
  expect(allKeys.length).toBeGreaterThan(visibleKeys.length)
})
afterAll(() => gw?.close())

const asTaxOffice = (query: string, variables?: Record<string, unknown>, agency = 'thue-ha-noi', purpose = 'QUAN_LY_THUE') =>
  gw.graphql(query, variables, { authorization: `Bearer ${tokens.get(agency)}`, 'x-purpose': purpose })

const byHolder = `query($pin: PIN!, $first: Int!, $after: String) {
  landParcels(holder: { pin: $pin }, first: $first, after: $after) { nodes { parcelKey } pageInfo { hasNextPage endCursor } } }`

const nodesOnly = `query($pin: PIN!, $first: Int!, $after: String) {
  landParcels(holder: { pin: $pin }, first: $first, after: $after) { nodes { parcelKey } } }`

/** The cursor format the review found: base64url of `o:N`. */
const oldCursor = (offset: number) => btoa(`o:${offset}`).replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_')

describe('landParcels by holder as the tax office (row filter: parcels in Hà Nội)', () => {
  it('the page sizes over offsets the caller writes do not show where hidden parcels are: every such cursor is refused', async () => {
    const answers: Array<number | string> = []
    for (let offset = 0; offset < allKeys.length; offset++) {
      const res = await asTaxOffice(nodesOnly, { pin: holder, first: 1, after: oldCursor(offset) })
      answers.push(res.body.errors?.[0]?.extensions?.code ?? res.body.data!.landParcels.nodes.length)
    }
    expect(answers).toEqual(allKeys.map(() => 'BAD_USER_INPUT'))
  })

  it.each([0, 1, 2, 3])('a cursor the caller wrote (o:%i) is BAD_USER_INPUT, and no registry is called', async (offset) => {
    gw.resetHits()
    const res = await asTaxOffice(nodesOnly, { pin: holder, first: 1, after: oldCursor(offset) })
    expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe('BAD_USER_INPUT')
    expect(res.body.data?.landParcels ?? null).toBeNull()
    expect(gw.sandboxes.land.hits()).toBe(0)
  })

  it('the first page holds the first visible parcel, whatever hidden parcels come before it', async () => {
    const res = await asTaxOffice(nodesOnly, { pin: holder, first: 1 })
    expect(res.body.errors, JSON.stringify(res.body)).toBeUndefined()
    expect(res.body.data!.landParcels.nodes.map((n: { parcelKey: string }) => n.parcelKey)).toEqual(visibleKeys.slice(0, 1))
  })

  it.each([1, 2, 3])('following endCursor with first: %i, every page but the last is full and the pages are the visible parcels in order', async (first) => {
    const pages: string[][] = []
    let after: string | null = null
    for (let i = 0; i < 20; i++) {
      const res = await asTaxOffice(byHolder, { pin: holder, first, after })
      expect(res.body.errors, JSON.stringify(res.body)).toBeUndefined()
      const { nodes, pageInfo } = res.body.data!.landParcels
      pages.push(nodes.map((n: { parcelKey: string }) => n.parcelKey))
      if (!pageInfo.hasNextPage) break
      after = pageInfo.endCursor
    }
    const expected: string[][] = []
    for (let i = 0; i < visibleKeys.length; i += first) expected.push(visibleKeys.slice(i, i + first))
    expect(pages).toEqual(expected)
  })
})

/** Every page the tax office gets by following the cursors, with the page sizes given in turn. */
async function walk(pin: string, sizes: number[]): Promise<Array<{ keys: string[]; hasNextPage: boolean }>> {
  const pages: Array<{ keys: string[]; hasNextPage: boolean }> = []
  let after: string | null = null
  for (let i = 0; i < 50; i++) {
    const res = await asTaxOffice(byHolder, { pin, first: sizes[i % sizes.length], after })
    expect(res.body.errors, JSON.stringify(res.body)).toBeUndefined()
    const { nodes, pageInfo } = res.body.data!.landParcels
    pages.push({ keys: nodes.map((n: { parcelKey: string }) => n.parcelKey), hasNextPage: pageInfo.hasNextPage })
    if (!pageInfo.hasNextPage) return pages
    after = pageInfo.endCursor
  }
  throw new Error('paging did not end')
}

/** The pages of a list of visible records alone, with the same page sizes. */
function pagesOf(keys: string[], sizes: number[]): Array<{ keys: string[]; hasNextPage: boolean }> {
  const pages: Array<{ keys: string[]; hasNextPage: boolean }> = []
  let start = 0
  for (let i = 0; ; i++) {
    const size = sizes[i % sizes.length]!
    const page = keys.slice(start, start + size)
    start += page.length
    pages.push({ keys: page, hasNextPage: start < keys.length })
    if (start >= keys.length) return pages
  }
}

describe('property through the gateway: the pages are those of the visible parcels alone', () => {
  it('for random holders (each list interleaves hidden parcels its own way) and random page sizes', async () => {
    const holders = [...parcelsOf].filter(([, list]) => list.some((p) => !p.visible)).map(([pin]) => pin)
    expect(holders.length).toBeGreaterThan(5)
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...holders), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), async (pin, sizes) => {
        const visible = parcelsOf
          .get(pin)!
          .filter((p) => p.visible)
          .map((p) => p.key)
        expect(await walk(pin, sizes)).toEqual(pagesOf(visible, sizes))
      }),
      { numRuns: 25 },
    )
  })
})

describe('lists with nothing visible answer as lists with nothing at all', () => {
  const byCommune = `query($commune: AdminCode!, $first: Int!) {
    landParcels(commune: $commune, first: $first) { nodes { parcelKey } pageInfo { hasNextPage endCursor } } }`
  const empty = { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } }

  it('a holder whose parcels all lie outside Hà Nội, and a person holding no land', async () => {
    const allHidden = [...parcelsOf].find(([, list]) => list.every((p) => !p.visible))![0]
    const landless = gw.world.people.find((p) => !parcelsOf.has(p.pin))!.pin
    for (const pin of [allHidden, landless]) {
      const res = await asTaxOffice(byHolder, { pin, first: 3 })
      expect(res.body).toEqual({ data: { landParcels: empty } })
    }
  })

  it(`a commune outside Hà Nội, in at most ${MAX_SCAN_READS} registry calls, and a commune without parcels`, async () => {
    const counts = new Map<string, number>()
    for (const parcel of gw.world.parcels) counts.set(parcel.sheetCommuneCode, (counts.get(parcel.sheetCommuneCode) ?? 0) + 1)
    const outside = gw.world.parcels
      .filter((p) => p.address.provinceCode !== '01')
      .sort((a, b) => counts.get(b.sheetCommuneCode)! - counts.get(a.sheetCommuneCode)!)[0]!
    expect(counts.get(outside.sheetCommuneCode)).toBeGreaterThan(3)
    gw.resetHits()
    const hidden = await asTaxOffice(byCommune, { commune: outside.sheetCommuneCode, first: 2 })
    expect(gw.sandboxes.land.hits()).toBeGreaterThan(0)
    expect(gw.sandboxes.land.hits()).toBeLessThanOrEqual(MAX_SCAN_READS)
    const none = await asTaxOffice(byCommune, { commune: '99999', first: 2 })
    expect(hidden.body).toEqual(none.body)
    expect(hidden.body).toEqual({ data: { landParcels: empty } })
  })

  it('a commune in Hà Nội pages in one registry call per page', async () => {
    const inside = gw.world.parcels.find((p) => p.address.provinceCode === '01' && p.sheetCommuneCode === p.address.communeCode)!
    const expected = gw.world.parcels
      .filter((p) => p.sheetCommuneCode === inside.sheetCommuneCode || p.address.communeCode === inside.sheetCommuneCode)
      .map((p) => p.key)
    gw.resetHits()
    const res = await asTaxOffice(byCommune, { commune: inside.sheetCommuneCode, first: 100 })
    expect(gw.sandboxes.land.hits()).toBe(1)
    expect(res.body.data!.landParcels.nodes.map((n: { parcelKey: string }) => n.parcelKey).sort()).toEqual(expected.sort())
  })
})

describe('a cursor works for the list, caller and policy it was sealed for, and nowhere else', () => {
  async function firstCursor(): Promise<string> {
    const res = await asTaxOffice(byHolder, { pin: holder, first: 1 })
    expect(res.body.errors).toBeUndefined()
    return res.body.data!.landParcels.pageInfo.endCursor
  }

  it('the same query, next page: accepted', async () => {
    const res = await asTaxOffice(byHolder, { pin: holder, first: 1, after: await firstCursor() })
    expect(res.body.data!.landParcels.nodes.map((n: { parcelKey: string }) => n.parcelKey)).toEqual(visibleKeys.slice(1, 2))
  })

  it.each<[string, (cursor: string | null) => ReturnType<typeof asTaxOffice>]>([
    [
      'another agency with the same row filter (the land registration office)',
      (after) => asTaxOffice(byHolder, { pin: holder, first: 1, after }, 'vpdk-dat-dai-ha-noi', 'DANG_KY_DAT_DAI'),
    ],
    ['the same agency under another purpose', (after) => asTaxOffice(byHolder, { pin: holder, first: 1, after }, 'thue-ha-noi', 'DANG_KY_DAT_DAI')],
    ['another holder', (after) => asTaxOffice(byHolder, { pin: [...parcelsOf.keys()].find((pin) => pin !== holder)!, first: 1, after })],
    [
      'the same holder, narrowed to a commune',
      (after) =>
        asTaxOffice(
          `query($pin: PIN!, $after: String) { landParcels(holder: { pin: $pin }, commune: "00097", first: 1, after: $after) { nodes { parcelKey } } }`,
          { pin: holder, after },
        ),
    ],
    ['the enterprise list', (after) => asTaxOffice(`query($after: String) { enterprises(first: 1, after: $after) { nodes { code } } }`, { after })],
  ])('%s: BAD_USER_INPUT, no registry call', async (_name, reuse) => {
    // The query itself is allowed: only the cursor is refused.
    const start = await reuse(null)
    expect(start.body.errors, JSON.stringify(start.body)).toBeUndefined()
    const cursor = await firstCursor()
    gw.resetHits()
    const res = await reuse(cursor)
    expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe('BAD_USER_INPUT')
    expect(gw.sandboxes.land.hits() + gw.sandboxes.business.hits()).toBe(0)
  })

  it('after the policy changes (a new version is activated): BAD_USER_INPUT', async () => {
    const cursor = await firstCursor()
    gw.policies.replace(agencies.set, gw.policies.current().version + 1)
    const res = await asTaxOffice(byHolder, { pin: holder, first: 1, after: cursor })
    expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe('BAD_USER_INPUT')
    // A cursor sealed under the new version works.
    const fresh = await asTaxOffice(byHolder, { pin: holder, first: 1, after: await firstCursor() })
    expect(fresh.body.errors).toBeUndefined()
  })
})
