import { describe, expect, it } from 'vitest'
import { normalisePin, normaliseTaxCode } from '../../../schemas/scalars/index.js'
import { findUnit } from '../admin-units/index.js'
import { createWorld } from './world.js'

const world = createWorld({ seed: 7, citizens: 3000, parcels: 900, enterprises: 600 })

describe('synthetic world', () => {
  it('has the requested sizes and the default sizes of the issue', () => {
    expect(world.people).toHaveLength(3000)
    expect(world.parcels).toHaveLength(900)
    expect(world.enterprises).toHaveLength(600)
    const defaults = createWorld()
    expect([defaults.people.length, defaults.parcels.length, defaults.enterprises.length]).toEqual([10_000, 3_000, 2_000])
  })

  it('is deterministic for a seed and differs across seeds', () => {
    const again = createWorld({ seed: 7, citizens: 3000, parcels: 900, enterprises: 600 })
    expect(JSON.stringify(again.parcels)).toBe(JSON.stringify(world.parcels))
    expect(createWorld({ seed: 8, citizens: 50, parcels: 5, enterprises: 5 }).people[0]?.pin).not.toBe(world.people[0]?.pin)
  })

  it('issues unique, valid identifiers', () => {
    expect(new Set(world.people.map((p) => p.pin)).size).toBe(world.people.length)
    expect(world.people.every((p) => normalisePin(p.pin) === p.pin)).toBe(true)
    expect(world.enterprises.every((e) => normaliseTaxCode(e.code) === e.code)).toBe(true)
    expect(world.enterprises.flatMap((e) => e.branches).every((b) => normaliseTaxCode(b.code) === b.code)).toBe(true)
  })

  it('keeps registries consistent: representatives, holders and relatives are citizens', () => {
    const codes = new Set(world.enterprises.map((e) => e.code))
    for (const e of world.enterprises) for (const rep of e.representatives) expect(world.personByPin.has(rep.pin)).toBe(true)
    for (const p of world.parcels) {
      for (const h of p.holders) expect(h.kind === 'PERSON' ? world.personByPin.has(h.id) : codes.has(h.id)).toBe(true)
    }
    for (const person of world.people) {
      for (const pin of [person.fatherPin, person.motherPin, person.spousePin]) if (pin) expect(world.personByPin.has(pin)).toBe(true)
    }
    for (const h of world.households) expect(h.members.every((m) => world.personByPin.get(m.pin)?.householdId === h.id)).toBe(true)
  })

  it('uses current provinces and communes for addresses, and keeps pre-2025 communes on map sheets', () => {
    for (const person of world.people) {
      expect(findUnit(person.permanent.provinceCode, '2026-01-01')?.level).toBe('PROVINCE')
      expect(findUnit(person.permanent.communeCode, '2026-01-01')?.parentCode).toBe(person.permanent.provinceCode)
    }
    const legacySheets = world.parcels.filter((p) => findUnit(p.sheetCommuneCode, '2026-01-01') === null)
    expect(legacySheets.length).toBeGreaterThan(world.parcels.length * 0.1)
    expect(legacySheets.every((p) => findUnit(p.sheetCommuneCode, '2025-01-01')?.level === 'COMMUNE')).toBe(true)
  })

  it('encodes sex and birth year in every PIN', () => {
    for (const p of world.people.slice(0, 500)) {
      const g = Number(p.pin[3])
      expect(g % 2 === 0 ? 'MALE' : 'FEMALE').toBe(p.sex)
      expect(p.pin.slice(4, 6)).toBe(p.birthDate.slice(2, 4))
    }
  })

  it('has an example enterprise whose representative holds land', () => {
    const { enterpriseCode, representativePin, parcelKey } = world.examples
    expect(world.enterprises.find((e) => e.code === enterpriseCode)?.representatives.map((r) => r.pin)).toContain(representativePin)
    expect(world.parcels.find((p) => p.key === parcelKey)?.holders.map((h) => h.id)).toContain(representativePin)
  })
})
