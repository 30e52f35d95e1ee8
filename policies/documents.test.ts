/**
 * The policy documents in this directory (`agencies/*.yaml`, `purposes.yaml`) are valid: they
 * parse, match the strict schemas, name only catalogued purposes, and every coordinate, mask and
 * `where` path they use exists in the gateway's GraphQL schema. A typo in a deny-by-default policy
 * is a permission silently not given or a restriction silently not applied, so it fails here.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getNamedType, isObjectType, type GraphQLField, type GraphQLNamedType, type GraphQLSchema } from 'graphql'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { servedCanonical } from '../gateway/entry/canonical.js'
import { conditionVariables, grantAllows, KNOWN_VARIABLES, viewClassMasks } from './evaluate/index.js'
import { parsePolicySet } from './policy-set.js'
import { GRANT_LIMIT_COSTS, grantSchema, purposesDocumentSchema, type Condition, type Grant } from './schema/grant.js'
import { agencyDocumentSchema, type AgencyDocument } from './schema/policy.js'

const here = dirname(fileURLToPath(import.meta.url))
const agencyFiles = readdirSync(join(here, 'agencies'))
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
const read = (relative: string) => readFileSync(join(here, relative), 'utf8')
const parse = (relative: string): unknown => parseYaml(read(relative), { prettyErrors: true, maxAliasCount: 100 })

// The schema as served: the canonical types and the sources connected by description (connectors/*/mapping.yaml).
const schema: GraphQLSchema = servedCanonical().schema
const DATA_CLASSES = servedCanonical().dataClasses

/** Problems with one coordinate (`Type.field` or `Type.*`) against the schema; empty when it exists. */
function coordinateProblems(coordinate: string): string[] {
  const [typeName, fieldName] = coordinate.split('.') as [string, string]
  const type = schema.getType(typeName)
  if (!type) return [`${coordinate}: no type ${typeName}`]
  if (!isObjectType(type)) return [`${coordinate}: ${typeName} is not an object type`]
  if (fieldName === '*') return []
  return type.getFields()[fieldName] ? [] : [`${coordinate}: ${typeName} has no field ${fieldName}`]
}

/** Every field path a condition compares, in document order. */
function conditionPaths(condition: Condition): string[] {
  if ('and' in condition && Array.isArray(condition.and)) return condition.and.flatMap(conditionPaths)
  if ('or' in condition && Array.isArray(condition.or)) return condition.or.flatMap(conditionPaths)
  if ('not' in condition && Object.keys(condition).length === 1) return conditionPaths(condition.not as Condition)
  return Object.keys(condition)
}

/** Walks `a.b.c` from a type through field return types; a path must end on a scalar or enum. */
function pathProblems(typeName: string, path: string): string[] {
  const start = schema.getType(typeName)
  if (!start) return [`where ${typeName}: no such type`]
  let current: GraphQLNamedType = start
  for (const segment of path.split('.')) {
    if (!isObjectType(current)) return [`where ${typeName} ${path}: ${current.name} has no fields (at ${segment})`]
    const field: GraphQLField<unknown, unknown> | undefined = current.getFields()[segment]
    if (!field) return [`where ${typeName} ${path}: ${current.name} has no field ${segment}`]
    current = getNamedType(field.type)
  }
  return isObjectType(current) ? [`where ${typeName} ${path}: ends on object type ${current.name}, not a value`] : []
}

function grantProblems(grant: Grant): string[] {
  const problems = grant.allow.flatMap(coordinateProblems)
  for (const [coordinate] of Object.entries(grant.mask ?? {})) {
    if (!coordinate.includes('.')) {
      // A data class: known, and read by the grant.
      const members = DATA_CLASSES.get(coordinate)
      if (!members) problems.push(`mask ${coordinate}: no such data class`)
      else if (!members.some((member) => grantAllows(grant, member))) problems.push(`mask ${coordinate}: the grant reads no field of the class`)
      continue
    }
    problems.push(...coordinateProblems(coordinate))
    if (!grantAllows(grant, coordinate)) problems.push(`mask ${coordinate}: the grant does not allow it`)
  }
  for (const [typeName, condition] of Object.entries(grant.where ?? {})) {
    problems.push(...conditionPaths(condition).flatMap((path) => pathProblems(typeName, path)))
    if (!grant.allow.some((entry) => entry.startsWith(`${typeName}.`))) problems.push(`where ${typeName}: the grant reads nothing of ${typeName}`)
    for (const variable of conditionVariables(condition)) {
      if (!(KNOWN_VARIABLES as readonly string[]).includes(variable)) problems.push(`where ${typeName}: unknown variable $${variable}`)
    }
  }
  if (grant.maxRecords !== undefined && !grant.allow.some((entry) => entry.startsWith('Query.'))) {
    problems.push('maxRecords: the grant allows no root field')
  }
  return problems
}

const purposes = purposesDocumentSchema.parse(parse('purposes.yaml')).purposes
const purposeCodes = new Set(purposes.map((purpose) => purpose.code))
const agencies = new Map<string, AgencyDocument>()
for (const file of agencyFiles) {
  const parsed = agencyDocumentSchema.safeParse(parse(`agencies/${file}`))
  if (parsed.success) agencies.set(file, parsed.data)
}
const agency = (id: string): AgencyDocument => {
  const found = [...agencies.values()].find((document) => document.agency === id)
  if (!found) throw new Error(`no agency ${id}`)
  return found
}
const allows = (document: AgencyDocument, coordinate: string, purpose?: string) =>
  document.grants.some((grant) => (!purpose || grant.purposes.includes(purpose)) && grantAllows(grant, coordinate))

describe('policies/purposes.yaml', () => {
  it('matches the purpose catalogue schema', () => {
    const result = purposesDocumentSchema.safeParse(parse('purposes.yaml'))
    expect(result.success ? [] : result.error.issues).toEqual([])
  })

  it('defines each purpose code once', () => {
    const codes = purposes.map((purpose) => purpose.code)
    expect(codes.length).toBe(new Set(codes).size)
  })
})

describe('policies/agencies/*.yaml', () => {
  it('finds the agency documents', () => {
    expect(agencyFiles.length).toBeGreaterThan(0)
  })

  it.each(agencyFiles)('%s matches the strict agency document schema', (file) => {
    const result = agencyDocumentSchema.safeParse(parse(`agencies/${file}`))
    expect(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([])
  })

  it.each(agencyFiles)('%s is named after its agency id and has grants', (file) => {
    const document = agencies.get(file)
    expect(document?.agency).toBe(file.replace(/\.ya?ml$/, ''))
    expect(document?.grants.length).toBeGreaterThan(0)
  })

  it.each(agencyFiles)('%s names only catalogued purposes', (file) => {
    const unknown = (agencies.get(file)?.grants ?? []).flatMap((grant) =>
      grant.purposes.filter((code) => !purposeCodes.has(code)).map((code) => `${grant.id}: ${code}`),
    )
    expect(unknown).toEqual([])
  })

  it.each(agencyFiles)('%s uses only coordinates and where-paths of the GraphQL schema', (file) => {
    const problems = (agencies.get(file)?.grants ?? []).flatMap((grant) => grantProblems(grant).map((problem) => `${grant.id}: ${problem}`))
    expect(problems).toEqual([])
  })

  it('loads as one policy set (unique agency and client ids, purposes cross-checked)', () => {
    const files = [
      { name: 'purposes.yaml', text: read('purposes.yaml') },
      ...agencyFiles.map((file) => ({ name: `agencies/${file}`, text: read(`agencies/${file}`) })),
    ]
    const result = parsePolicySet(files, { dataClasses: DATA_CLASSES })
    expect(result.ok ? [] : result.problems).toEqual([])
  })
})

describe('policy scenarios', () => {
  it('every agency can check its connection on public reference data only', () => {
    for (const document of agencies.values()) {
      const check = document.grants.filter((grant) => grant.purposes.includes('KIEM_TRA_KET_NOI'))
      expect([document.agency, check.flatMap((grant) => grant.allow).sort()]).toEqual([document.agency, ['AdministrativeUnit.*', 'Query.administrativeUnit']])
    }
  })

  it('the one-stop desk verifies, moves dossiers, and for social assistance reads insurance status only: always with a dossier and an officer', () => {
    const document = agency('mot-cua-phuong-hong-ha')
    const personal = document.grants.filter((grant) => !grant.purposes.some((p) => ['KIEM_TRA_KET_NOI', 'GIAI_QUYET_TTHC', 'TRO_GIUP_XA_HOI'].includes(p)))
    expect(personal.flatMap((grant) => grant.allow).sort()).toEqual(['CitizenVerification.*', 'Query.verifyCitizen'])
    expect(personal.every((grant) => grant.require.caseId && grant.require.endUser && !grant.where)).toBe(true)
    const assistance = document.grants.filter((grant) => grant.purposes.includes('TRO_GIUP_XA_HOI'))
    expect(assistance.length).toBe(1)
    const [insurance] = assistance
    expect(insurance!.purposes).toEqual(['TRO_GIUP_XA_HOI'])
    for (const coordinate of insurance!.allow) expect(coordinate).toMatch(/^(Query\.socialInsuranceRecord|SocialInsuranceRecord\.\w+|InsurancePeriod\.\w+)$/)
    // Data minimisation: the salary is not needed to know whether someone is insured.
    expect(grantAllows(insurance!, 'InsurancePeriod.salary')).toBe(false)
    expect(insurance!.mask).toEqual({ pin: 'last4' })
    expect(insurance!.require.caseId && insurance!.require.endUser).toBe(true)
    const exchange = document.grants.filter((grant) => grant.purposes.includes('GIAI_QUYET_TTHC'))
    expect(exchange.length).toBe(1)
    for (const coordinate of exchange.flatMap((grant) => grant.allow))
      expect(coordinate).toMatch(/^(Mutation\.\w+Dossier\w*|Query\.dossier|Dossier\.\*|DossierPart\.\*|ProgressEntry\.\*)$/)
  })

  it('every grant that verifies without reading birth dates bounds the guesses per citizen', () => {
    for (const document of agencies.values()) {
      for (const grant of document.grants.filter((g) => grantAllows(g, 'Query.verifyCitizen') && !grantAllows(g, 'Citizen.birthDate'))) {
        const limit = grant.limits?.perSubjectPerDay
        expect([document.agency, grant.id, limit !== undefined]).toEqual([document.agency, grant.id, true])
        // Charged before the answer: a non-match needs its full cost free, so at most this many a day.
        expect(Math.floor(limit! / GRANT_LIMIT_COSTS.nonMatch), `${document.agency} ${grant.id}`).toBeLessThanOrEqual(3)
      }
    }
    expect(agency('mot-cua-phuong-hong-ha').grants.find((g) => g.id === 'intake-identity-verification')?.limits).toEqual({
      perSubjectPerDay: 10,
      perEndUserPerHour: 60,
    })
  })

  it('only the justice department reads residence history', () => {
    const readers = [...agencies.values()].filter((document) => allows(document, 'ResidenceStatus.history')).map((document) => document.agency)
    expect(readers).toEqual(['so-tu-phap-ha-noi'])
  })

  it('no agency reads religion; civil status, LLTP, tax and the portal read no ethnicity or household', () => {
    expect([...agencies.values()].filter((document) => allows(document, 'Citizen.religion')).map((document) => document.agency)).toEqual([])
    for (const id of ['tu-phap-phuong-hong-ha', 'so-tu-phap-ha-noi', 'thue-ha-noi', 'cong-dich-vu-cong-ha-noi']) {
      for (const coordinate of ['Citizen.ethnicity', 'Citizen.household', 'Household.members'])
        expect([id, allows(agency(id), coordinate)]).toEqual([id, false])
    }
  })

  it('the ward police read full records only in their jurisdiction, and investigation is case-bound, signed and withheld', () => {
    const document = agency('cong-an-phuong-hong-ha')
    for (const grant of document.grants.filter((g) => g.purposes.includes('QUAN_LY_CU_TRU') && grantAllows(g, 'Citizen.name'))) {
      expect(grant.where?.Citizen).toBeDefined()
      expect(grant.where?.Household).toBeDefined()
    }
    expect(allows(document, 'Query.verifyCitizen', 'QUAN_LY_CU_TRU')).toBe(true)
    const investigation = document.grants.filter((grant) => grant.purposes.includes('DIEU_TRA_HINH_SU'))
    expect(investigation.length).toBeGreaterThan(0)
    for (const grant of investigation) {
      expect(grant.require).toEqual({ caseId: true, endUser: true, signedContext: true })
      expect(grant.withholdFromSubjectUntil).toBeDefined()
    }
  })

  it('the land office sees no citizen data of holders, only verification', () => {
    const document = agency('vpdk-dat-dai-ha-noi')
    expect(allows(document, 'LandHolder.person')).toBe(false)
    expect(document.grants.some((grant) => grant.allow.some((entry) => entry.startsWith('Citizen.')))).toBe(false)
    expect(allows(document, 'Query.verifyCitizen')).toBe(true)
  })

  it("the tax office sees representatives' PINs masked, by every path", () => {
    // A representative is also a citizen and a land holder: every PIN field the view reads is one
    // class, masked in each grant that reads it.
    const document = agency('thue-ha-noi')
    const read = DATA_CLASSES.get('pin')!.filter((coordinate) => allows(document, coordinate, 'QUAN_LY_THUE'))
    expect(read).toEqual(expect.arrayContaining(['LegalRepresentative.pin', 'Citizen.pin', 'LandHolder.pin']))
    expect(viewClassMasks(document, 'QUAN_LY_THUE').get('pin')).toBe('last4')
    for (const grant of document.grants.filter((g) => g.purposes.includes('QUAN_LY_THUE') && read.some((c) => grantAllows(g, c)))) {
      expect([grant.id, grant.mask?.pin]).toEqual([grant.id, 'last4'])
    }
  })

  it("the civil-status officer sees relatives' PINs masked, and so every PIN of that view", () => {
    const document = agency('tu-phap-phuong-hong-ha')
    expect(allows(document, 'RelatedPerson.pin', 'DANG_KY_HO_TICH') && allows(document, 'Citizen.pin', 'DANG_KY_HO_TICH')).toBe(true)
    expect(viewClassMasks(document, 'DANG_KY_HO_TICH').get('pin')).toBe('last4')
  })

  it("the portal requires a dossier id for everything and sees no ownership or representatives' PINs", () => {
    const document = agency('cong-dich-vu-cong-ha-noi')
    expect(document.grants.filter((grant) => !grant.purposes.includes('KIEM_TRA_KET_NOI')).every((grant) => grant.require.caseId)).toBe(true)
    for (const coordinate of ['Enterprise.members', 'LegalRepresentative.pin', 'Citizen.household']) expect(allows(document, coordinate)).toBe(false)
  })
})

describe('grant limits (schema)', () => {
  const base = { id: 'g', purposes: ['XAC_MINH'], legalBasis: 'x', allow: ['Query.verifyCitizen'] }
  const problems = (grant: unknown) => {
    const result = grantSchema.safeParse(grant)
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
  }

  it('accepts per-subject and per-officer limits, the latter only when the grant requires the officer', () => {
    expect(problems({ ...base, limits: { perSubjectPerDay: 10 } })).toEqual([])
    expect(problems({ ...base, limits: { perSubjectPerDay: 10, perEndUserPerHour: 60 }, require: { endUser: true } })).toEqual([])
    expect(problems({ ...base, limits: { perEndUserPerHour: 60 } })).toEqual([
      'limits.perEndUserPerHour: limits.perEndUserPerHour needs require: { endUser: true }',
    ])
  })

  it('refuses limits too small for one non-matching verification, empty limits and unknown keys', () => {
    expect(problems({ ...base, limits: { perSubjectPerDay: GRANT_LIMIT_COSTS.nonMatch - 1 } })).toEqual([expect.stringMatching(/^limits\.perSubjectPerDay: /)])
    expect(problems({ ...base, limits: {} })).toEqual(['limits: give at least one of rate, perSubjectPerDay, perEndUserPerHour'])
    expect(problems({ ...base, limits: { perSubjectPerMonth: 10 } })).toContainEqual(expect.stringMatching(/^limits: .*perSubjectPerMonth/))
  })
})
