import { makeExecutableSchema } from '@graphql-tools/schema'
import { describe, expect, it } from 'vitest'
import type { PolicySet } from '../../policies/index.js'
import { typeDefs } from '../../schemas/index.js'
import { checkCoordinates } from './check-coordinates.js'
import { explain } from './explain.js'

const schema = makeExecutableSchema({ typeDefs })
const none = { caseId: false, endUser: false, signedContext: false }
const set = (grant: Record<string, unknown>, classes?: Record<string, string[]>): PolicySet =>
  ({
    purposes: [
      { code: 'P', name: 'P', legalBasis: 'law P' },
      { code: 'Q', name: 'Q', legalBasis: 'law Q' },
    ],
    agencies: [
      {
        agency: 'a',
        name: 'A',
        suspended: false,
        jurisdiction: { provinces: ['01'], communes: [] },
        clients: [],
        ...(classes ? { classes } : {}),
        grants: [
          { id: 'g', purposes: ['P'], legalBasis: 'law P', allow: ['Query.citizen', 'Citizen.name', 'PersonName.*'], require: none, ...grant },
          { id: 'h', purposes: ['Q'], legalBasis: 'law Q', allow: ['Citizen.religion'], require: none },
        ],
      },
    ],
  }) as PolicySet

describe('checkCoordinates', () => {
  it.each<[string, Record<string, unknown>, string | null]>([
    ['a valid grant', {}, null],
    ['an unknown field', { allow: ['Citizen.nmae'] }, 'Citizen has no field nmae'],
    ['an unknown type', { allow: ['Citizn.*'] }, 'no object type Citizn'],
    ['a mask on an unknown field', { mask: { 'Citizen.pn': 'last4' } }, 'Citizen has no field pn'],
    ['a where path that leaves the schema', { where: { Citizen: { 'residence.permanent.comune.code': { in: ['1'] } } } }, 'Address has no field comune'],
    ['a where path through or', { where: { Citizen: { or: [{ sex: { eq: 'MALE' } }, { 'residence.x': { eq: 1 } }] } } }, 'ResidenceStatus has no field x'],
    ['a mask on a data class by name (checked by the policy language, not as a coordinate)', { mask: { pin: 'last4' } }, null],
  ])('%s', (_name, grant, problem) => {
    const problems = checkCoordinates(set(grant), schema)
    if (problem === null) expect(problems).toEqual([])
    else expect(problems.map((p) => p.message).join('\n')).toContain(problem)
  })

  it('the fields of a data class a document declares exist', () => {
    expect(checkCoordinates(set({}, { hoTen: ['PersonName.full', 'LandHolder.name'] }), schema)).toEqual([])
    expect(checkCoordinates(set({}, { hoTen: ['PersonName.ful'] }), schema)).toEqual([
      { file: 'agencies/a.yaml', path: 'classes.hoTen.0', message: 'PersonName.ful: PersonName has no field ful' },
    ])
  })
})

describe('explain', () => {
  const run = (query: string, purpose = 'P') =>
    explain({
      schema,
      set: set({ mask: { 'PersonName.full': { keepFirst: 2 } } }),
      agency: 'a',
      context: { purpose, caseId: false, endUser: false, signed: false },
      query,
    })
  it('lists each coordinate with its grant and mask', () => {
    const result = run('{ citizen(pin: "001234567890") { name { full } } }')
    expect(result.ok && result.decision.allowed).toBe(true)
    expect(result.text).toContain('ALLOWED')
    expect(result.text).toMatch(/allow\s+PersonName\.full\s+\(g\)\s+mask {"keepFirst":2}/)
  })
  it('says which identifiers take the mask or the plain view of their data class', () => {
    const classed = (grant: Record<string, unknown>) =>
      explain({
        schema,
        set: set({ allow: ['Query.citizen', 'Citizen.pin', 'Citizen.name', 'PersonName.*'], ...grant }),
        agency: 'a',
        context: { purpose: 'P', caseId: false, endUser: false, signed: false },
        query: '{ citizen(pin: "001234567890") { pin name { full } } }',
      })
    expect(classed({ mask: { pin: 'last4' } }).text).toMatch(/allow\s+Citizen\.pin\s+\(g\)\s+mask last4 \(class pin\)/)
    expect(classed({ plain: ['pin'] }).text).toMatch(/allow\s+Citizen\.pin\s+\(g\)\s+plain \(class pin\)/)
    expect(classed({ plain: ['pin'] }).text).toMatch(/allow\s+PersonName\.full\s+\(g\)$/m)
  })

  it('names the grant that could allow a refused coordinate', () => {
    const result = run('{ citizen(pin: "001234567890") { religion { name } } }')
    expect(result.text).toContain('REFUSED FORBIDDEN')
    expect(result.text).toContain('Citizen.religion: allowed only for another purpose (grant h, purposes Q; law Q)')
  })
  it('says why a query cannot be explained', () => {
    expect(run('{ citizen(').text).toContain('does not parse')
    expect(run('{ nothing }').text).toContain('not valid')
  })
})
