/**
 * One treatment per identifier, through the whole gateway on the default sandbox (seed 2025) with
 * the shipped policy documents. An identifier (a PIN, a household id …) can be reached by several
 * paths: the tax office reads a representative's PIN as `LegalRepresentative.pin`, and the same
 * person's PIN again as `LandHolder.pin` of the parcels they hold. A mask must hold on every path
 * the view allows, or the second path hands out what the first one hid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestGateway, type TestGateway } from '../harness.js'
import { loadSandboxPolicies, sandboxAgencies, tokenFor, type SandboxAgencies } from './sandbox-agencies.js'

let gw: TestGateway
let agencies: SandboxAgencies
const masked4 = /^\*{8}\d{4}$/
const PIN12 = /\b\d{12}\b/g

beforeAll(async () => {
  agencies = await sandboxAgencies(await loadSandboxPolicies())
  // The default sandbox world: the one `npm start` serves and the finding was made on.
  gw = await createTestGateway({ world: { seed: 2025, citizens: 10_000, parcels: 3_000, enterprises: 2_000 }, policies: () => agencies.set, timeoutMs: 5000 })
})
afterAll(() => gw?.close())

async function asAgency(agency: string, purpose: string, query: string, extra: Record<string, string> = {}) {
  const headers = { authorization: `Bearer ${await tokenFor(gw.identity, agencies, agency)}`, 'x-purpose': purpose, ...extra }
  const res = await gw.graphql(query, undefined, headers)
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined()
  return res.body
}

/** Every value under a response key named `pin` or aliased from it (the callers below alias with a `pin` prefix). */
function pinsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) pinsIn(item, found)
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (/^pin/i.test(key) && (typeof child === 'string' || child === null)) {
        if (child !== null) found.push(child)
      } else pinsIn(child, found)
    }
  }
  return found
}

describe("the tax office: a representative's PIN is masked on every path to it", () => {
  it('the example of the finding is the enterprise it was made on, and its representative holds land in Hà Nội', () => {
    const { enterpriseCode, representativePin } = gw.world.examples
    expect(enterpriseCode).toBe('0149758831')
    expect(gw.world.parcels.some((p) => p.address.provinceCode === '01' && p.holders.some((h) => h.id === representativePin))).toBe(true)
  })

  it('legalRepresentatives.pin and, in the same response, citizen.landParcels.holders.pin', async () => {
    const { enterpriseCode, representativePin } = gw.world.examples
    const body = await asAgency(
      'thue-ha-noi',
      'QUAN_LY_THUE',
      `{ enterprise(code: "${enterpriseCode}") { legalRepresentatives { pin citizen { landParcels { holders { pin } } } } } }`,
    )
    const reps = body.data!.enterprise.legalRepresentatives as Array<{
      pin: string
      citizen: { landParcels: Array<{ holders: Array<{ pin: string | null }> }> } | null
    }>
    const holderPins = reps
      .flatMap((r) => r.citizen?.landParcels.flatMap((p) => p.holders.map((h) => h.pin)) ?? [])
      .filter((pin): pin is string => pin !== null)
    // The path exists: the representative's own parcels come back, with their holders.
    expect(holderPins.length).toBeGreaterThan(0)
    expect(reps.map((r) => r.pin)).toContain(`********${representativePin.slice(-4)}`)
    for (const pin of [...reps.map((r) => r.pin), ...holderPins]) expect(pin).toMatch(masked4)
    expect(JSON.stringify(body)).not.toContain(representativePin)
    expect(JSON.stringify(body).match(PIN12)).toBeNull()
  })

  it('through aliases, named and inline fragments', async () => {
    const { enterpriseCode, representativePin } = gw.world.examples
    const body = await asAgency(
      'thue-ha-noi',
      'QUAN_LY_THUE',
      `query Q { e: enterprise(code: "${enterpriseCode}") { legalRepresentatives { ...Rep } } }
       fragment Rep on LegalRepresentative { pinRep: pin citizen { ... on Citizen { parcels: landParcels { holders { ...Holder pinAgain: pin } } } } }
       fragment Holder on LandHolder { pinHolder: pin ... { pinInline: pin } }`,
    )
    const pins = pinsIn(body.data)
    expect(pins.length).toBeGreaterThan(3)
    for (const pin of pins) expect(pin).toMatch(masked4)
    expect(JSON.stringify(body)).not.toContain(representativePin)
  })

  it("a citizen looked up by PIN and the holders of that citizen's parcels, side by side", async () => {
    const { representativePin } = gw.world.examples
    const body = await asAgency(
      'thue-ha-noi',
      'QUAN_LY_THUE',
      `{ citizen(pin: "${representativePin}") { pin landParcels { holders { pin } } } byHolder: landParcels(holder: { pin: "${representativePin}" }, first: 5) { nodes { holders { pin } } } }`,
    )
    const pins = pinsIn(body.data)
    expect(pins.length).toBeGreaterThan(2)
    for (const pin of pins) expect(pin).toMatch(masked4)
    expect(JSON.stringify(body.data).match(PIN12)).toBeNull()
  })
})

describe('a view that shows a class plainly shows it plainly everywhere', () => {
  it("the ward police read household members' and citizens' PINs as they are", async () => {
    const resident = gw.world.people.find((p) => p.permanent.communeCode === '00097' && !p.deceasedOn)!
    const body = await asAgency(
      'cong-an-phuong-hong-ha',
      'QUAN_LY_CU_TRU',
      `{ citizen(pin: "${resident.pin}") { pin household { householdId household { id members { pin } } } } }`,
    )
    const citizen = body.data!.citizen
    expect(citizen.pin).toBe(resident.pin)
    expect(citizen.household.householdId).toBe(resident.householdId)
    expect(citizen.household.household.members.map((m: { pin: string }) => m.pin)).toContain(resident.pin)
  })
})
