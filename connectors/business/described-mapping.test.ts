/**
 * The described business registry's mapping, edited the ways a mapping author could get it wrong:
 * each edit that would let a wrong answer through must be refused at load, naming the path. Then
 * the answers the registry may send that only the mapping can read right (padded codes, an answer
 * that is not an envelope).
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { canonicalCatalog, ConnectorFilesError, createDescribedConnector, loadDescribedConnector } from '../described/index.js'
import { typeDefs } from '../../schemas/index.js'

const FOLDER = join(dirname(fileURLToPath(import.meta.url)), 'described')
const MAPPING = readFileSync(join(FOLDER, 'mapping.yaml'), 'utf8')
const DESCRIPTION = readFileSync(join(FOLDER, 'openapi.yaml'), 'utf8')
const catalog = canonicalCatalog(typeDefs)

function load(mapping: string) {
  return loadDescribedConnector(
    {
      folder: 'business',
      mapping: { file: 'mapping.yaml', text: mapping },
      readDescription: (name) => (name === 'openapi.yaml' ? { file: 'openapi.yaml', text: DESCRIPTION } : undefined),
    },
    catalog,
  )
}

function edit(from: string, to: string): string {
  if (!MAPPING.includes(from)) throw new Error(`the mapping no longer holds ${JSON.stringify(from)}`)
  return MAPPING.replace(from, to)
}

const problemsOf = (mapping: string): string[] => {
  try {
    load(mapping)
    return []
  } catch (error) {
    if (error instanceof ConnectorFilesError) return error.problems.map((p) => p.message)
    throw error
  }
}

describe('the described business mapping', () => {
  it('loads as shipped', () => {
    expect(problemsOf(MAPPING)).toEqual([])
  })

  it.each<[string, string, RegExp]>([
    // A filter left out would widen the answer to records the caller did not ask for.
    [
      'a list filter not sent to the source',
      edit(
        '      filter.status:\n        to: trangThai\n        codes: { ACTIVE: 1, SUSPENDED: 2, DISSOLVING: 3, DISSOLVED: 4, NOT_AT_ADDRESS: 5, REVOKED: 6, BANKRUPTCY: 7 }\n',
        '',
      ),
      /lists\.enterprises\.arguments: filter\.status of Query\.enterprises is not sent to the source/,
    ],
    [
      'two filters into one parameter',
      edit('filter.province: { to: tinh, length: 2 }', 'filter.province: { to: ten, length: 2 }'),
      /arguments\.filter\.province\.to: ten already takes filter\.name/,
    ],
    [
      'a filter into the page size',
      edit('filter.province: { to: tinh, length: 2 }', 'filter.province: { to: limit, length: 2 }'),
      /page\.limit: limit takes filter\.province/,
    ],
    ['two values with one code', edit('DISSOLVED: 4,', 'DISSOLVED: 1,'), /codes\.DISSOLVED: 1 is already the code of ACTIVE/],
    [
      'a link keyed by a field of another kind',
      edit('link: { loader: citizen, key: pin }', 'link: { loader: citizen, key: title }'),
      /link\.key: the citizen loader takes a PIN, and title is String!/,
    ],
    [
      'ifInvalid on an object',
      edit('address: { from: ADDRESS }', 'address: { from: ADDRESS, ifInvalid: null }'),
      /address\.ifInvalid: ifInvalid nulls one value/,
    ],
    ['an empty separator', edit("separator: '-'", "separator: ''"), /startsWith\.separator/],
    [
      'a status code into a field that holds none',
      edit('isMain: { from: IS_MAIN, codes: {', 'isMain: { from: IS_MAIN, ifBlank: null, codes: {'),
      /isMain: ifBlank and ifInvalid make the value null, and Boolean! cannot be null/,
    ],
    [
      'a status code that is not an EnterpriseStatus',
      edit('Đã giải thể: DISSOLVED', 'Đã giải thể: DISOLVED'),
      /codes\.Đã giải thể: DISOLVED is not a value of EnterpriseStatus/,
    ],
    [
      'a nullable canonical field left out',
      edit('          communeCode: null\n', ''),
      /LegacyAddress\.communeCode is not answered: map it, or write communeCode: null/,
    ],
    [
      'a required canonical field said absent',
      edit('      nameVi: { from: MainInformation.NAME, text: [trim] }', '      nameVi: null'),
      /nameVi: Enterprise\.nameVi is String!: the source must answer it/,
    ],
  ])('refuses %s', (_label, mapping, message) => {
    const problems = problemsOf(mapping)
    expect(
      problems.some((p) => message.test(p)),
      problems.join('\n'),
    ).toBe(true)
  })
})

describe('answers only the mapping reads right', () => {
  const described = createDescribedConnector(load(MAPPING), { baseUrl: 'http://registry.invalid', apiKey: 'not-sent-anywhere' })
  const record = (code: string) => ({
    MainInformation: {
      ENTERPRISE_ID: 1,
      ENTERPRISE_GDT_CODE: code,
      ENTERPRISE_TYPE_ID: 3,
      ENTERPRISE_TYPE_NAME: 'Công ty cổ phần',
      NAME: 'CÔNG TY CỔ PHẦN MẪU',
      FOUNDING_DATE: '15/03/2021',
      ENTERPRISE_STATUS: 'Đang hoạt động',
    },
    HOAdress: { CityID: 1, WardID: 97 },
    BusinessActivity: [{ CODE: ' 6201 ', NAME: 'Lập trình máy vi tính', IS_MAIN: 'Y', VSIC_VERSION: '2018' }],
    LegalRepresentative: [{ FULL_NAME: 'NGUYỄN VĂN AN', POSITION: 'Giám đốc', ID_NUMBER: ' 001099000001 ' }],
    Branch: [{ BRANCH_CODE: ' 0199000017-001 ', BRANCH_TYPE: 'CN', BRANCH_NAME: 'CHI NHÁNH MẪU' }],
  })
  const answer = (data: unknown) => ({ Status: 1, Message: 'Thành công', DataCount: 1, Data: data })

  it('reads codes and identifiers a registry pads with spaces as the values they are', () => {
    const read = described.readAnswer('enterprise', answer(record(' 0199000017 '))) as Record<string, any>
    expect(read.code).toBe('0199000017')
    expect(read.businessLines[0].code).toBe('6201')
    expect(read.legalRepresentatives[0].pin).toBe('001099000001')
    expect(read.branches[0].code).toBe('0199000017-001')
  })

  it.each([{}, [], 'x', { Status: '1' }])('an answer that is not an envelope (%j) is a bad answer, not an outage', (payload) => {
    expect(() => described.readAnswer('enterprise', payload)).toThrow(expect.objectContaining({ code: 'UPSTREAM_BAD_RESPONSE' }))
  })

  it('an envelope that says it failed is an outage, whatever else it holds', () => {
    expect(() => described.readAnswer('enterprise', { Status: 0, Message: 'Lỗi', DataCount: 0, Data: null })).toThrow(
      expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }),
    )
  })

  it('refuses a list argument the mapping does not send, and a window larger than the source serves', async () => {
    await expect(described.list('enterprises', { filter: { name: 'x', owner: 'y' } }, { offset: 0, limit: 5 }, { requestId: 't' })).rejects.toThrow(
      /filter\.owner cannot be asked of this source/,
    )
    await expect(described.list('enterprises', {}, { offset: 0, limit: 101 }, { requestId: 't' })).rejects.toThrow(RangeError)
  })
})
