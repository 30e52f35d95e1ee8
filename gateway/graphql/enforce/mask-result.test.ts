import { makeExecutableSchema } from '@graphql-tools/schema'
import { parse } from 'graphql'
import { describe, expect, it } from 'vitest'
import type { MaskSpec } from '../../../policies/index.js'
import { typeDefs } from '../../../schemas/index.js'
import { maskResult } from './mask-result.js'

const schema = makeExecutableSchema({ typeDefs })
const hash = (value: string) => `h:${value.length}:${value.slice(-2)}`
const pinMasks = new Map<string, MaskSpec>([
  ['LegalRepresentative.pin', 'hash'],
  ['Citizen.pin', 'hash'],
  ['LandHolder.pin', 'hash'],
])
const PIN = '001085000101'

function run(query: string, data: Record<string, unknown>, masks: ReadonlyMap<string, MaskSpec> = pinMasks) {
  const applied = maskResult(schema, parse(query), undefined, data, masks, hash)
  return { data, applied }
}

describe('maskResult', () => {
  it('masks a value once, however often the operation selects it (a hash of a hash would not match)', () => {
    const { data } = run(`{ citizen(pin: "${PIN}") { pin ...C ... { pin } } } fragment C on Citizen { pin }`, { citizen: { pin: PIN } })
    expect(data).toEqual({ citizen: { pin: hash(PIN) } })
  })

  it('follows aliases, named and inline fragments, and lists, to every coordinate masked', () => {
    const holders = [
      { p: PIN, pin: PIN },
      { p: '079192000202', pin: '079192000202' },
    ]
    const { data, applied } = run(
      `query { e: enterprise(code: "0100109106") { legalRepresentatives { ...R } } }
       fragment R on LegalRepresentative { x: pin citizen { ... on Citizen { landParcels { holders { p: pin ...H } } } } }
       fragment H on LandHolder { pin }`,
      { e: { legalRepresentatives: [{ x: PIN, citizen: { landParcels: [{ holders }] } }] } },
    )
    expect(JSON.stringify(data)).not.toMatch(/\d{12}/)
    expect(holders).toEqual([
      { p: hash(PIN), pin: hash(PIN) },
      { p: hash('079192000202'), pin: hash('079192000202') },
    ])
    expect(applied).toEqual(['LandHolder.pin', 'LegalRepresentative.pin'])
  })

  it('leaves what no mask covers', () => {
    const { data, applied } = run(`{ citizen(pin: "${PIN}") { name { full } } }`, { citizen: { name: { full: 'Nguyễn Văn A' } } })
    expect(data).toEqual({ citizen: { name: { full: 'Nguyễn Văn A' } } })
    expect(applied).toEqual([])
  })

  it.each<[string, string, Record<string, unknown> | null, string[], unknown]>([
    [
      'a null value is not counted as masked (the audit trail says what was hidden)',
      `{ citizen(pin: "${PIN}") { pin } }`,
      { citizen: { pin: null } },
      [],
      { citizen: { pin: null } },
    ],
    ['a field absent from the data (an error nulled its parent) is skipped', `{ citizen(pin: "${PIN}") { pin } }`, {}, [], {}],
    [
      '__typename beside a masked field is left alone',
      `{ citizen(pin: "${PIN}") { __typename pin } }`,
      { citizen: { __typename: 'Citizen', pin: PIN } },
      ['Citizen.pin'],
      { citizen: { __typename: 'Citizen', pin: hash(PIN) } },
    ],
    ['no data: nothing masked', `{ citizen(pin: "${PIN}") { pin } }`, null, [], null],
    ['a null record (not found) is walked past', `{ citizen(pin: "${PIN}") { pin household { members { pin } } } }`, { citizen: null }, [], { citizen: null }],
    [
      'a null nested record too',
      `{ citizen(pin: "${PIN}") { pin household { id } } }`,
      { citizen: { pin: PIN, household: null } },
      ['Citizen.pin'],
      { citizen: { pin: hash(PIN), household: null } },
    ],
  ])('%s', (_case, query, data, applied, after) => {
    expect(maskResult(schema, parse(query), undefined, data, pinMasks, hash)).toEqual(applied)
    expect(data).toEqual(after)
    // Nothing added: a field the data lacks stays absent, not present and undefined.
    if (data && after) expect(Object.keys(data)).toEqual(Object.keys(after))
  })

  it('a masked field the data lacks stays absent (not added as undefined)', () => {
    const data = { citizen: {} as Record<string, unknown> }
    expect(maskResult(schema, parse(`{ citizen(pin: "${PIN}") { pin } }`), undefined, data, pinMasks, hash)).toEqual([])
    expect('pin' in data.citizen).toBe(false)
  })

  it('no masks, or an operation name the document does not have: nothing is masked', () => {
    const data = { citizen: { pin: PIN } }
    expect(maskResult(schema, parse(`{ citizen(pin: "${PIN}") { pin } }`), undefined, data, new Map(), hash)).toEqual([])
    expect(maskResult(schema, parse(`query A { citizen(pin: "${PIN}") { pin } }`), 'B', data, pinMasks, hash)).toEqual([])
    expect(data).toEqual({ citizen: { pin: PIN } })
    expect(maskResult(schema, parse(`query A { citizen(pin: "${PIN}") { pin } }`), 'A', data, pinMasks, hash)).toEqual(['Citizen.pin'])
  })

  // The last step before data leaves: whatever reaches it (a document that skipped validation, a
  // resolver that answered the wrong shape), it masks what it can and never throws.
  it.each<[string, string, Record<string, unknown>, string[], unknown]>([
    ['an undefined value is not counted as masked', `{ citizen(pin: "${PIN}") { pin } }`, { citizen: { pin: undefined } }, [], { citizen: { pin: undefined } }],
    [
      'a spread of a fragment the document lacks is skipped',
      `{ citizen(pin: "${PIN}") { pin ...Missing } }`,
      { citizen: { pin: PIN } },
      ['Citizen.pin'],
      { citizen: { pin: hash(PIN) } },
    ],
    [
      'a number where a record belongs is skipped',
      `{ citizen(pin: "${PIN}") { pin household { members { pin } } } }`,
      { citizen: { pin: PIN, household: 7 } },
      ['Citizen.pin'],
      { citizen: { pin: hash(PIN), household: 7 } },
    ],
    [
      'a string in a list of records is skipped',
      '{ enterprise(code: "0100109106") { legalRepresentatives { pin } } }',
      { enterprise: { legalRepresentatives: ['x', { pin: PIN }] } },
      ['LegalRepresentative.pin'],
      { enterprise: { legalRepresentatives: ['x', { pin: hash(PIN) }] } },
    ],
    [
      'a field the type does not have is skipped',
      `{ citizen(pin: "${PIN}") { nope pin } }`,
      { citizen: { nope: { pin: PIN }, pin: PIN } },
      ['Citizen.pin'],
      { citizen: { nope: { pin: PIN }, pin: hash(PIN) } },
    ],
  ])('on malformed input: %s', (_case, query, data, applied, after) => {
    expect(maskResult(schema, parse(query), undefined, data, pinMasks, hash)).toEqual(applied)
    expect(data).toEqual(after)
  })
})
