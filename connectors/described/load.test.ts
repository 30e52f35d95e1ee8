/**
 * A described connector's files are refused at load, every problem named with its file, line and
 * path: one row per kind of mistake, each made by editing the social insurance connector's real
 * mapping, and each checked to point at the line where the mistake is.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { typeDefs } from '../../schemas/index.js'
import { canonicalCatalog } from './canonical-catalog.js'
import { ConnectorFilesError } from './description.js'
import { loadDescribedConnector } from './load.js'

const folder = join(import.meta.dirname, '..', 'social-insurance')
const MAPPING = readFileSync(join(folder, 'mapping.yaml'), 'utf8')
const OPENAPI = readFileSync(join(folder, 'openapi.yaml'), 'utf8')
const catalog = canonicalCatalog(typeDefs)

function load(mapping: string, openapi = OPENAPI, folderName = 'social-insurance') {
  return loadDescribedConnector(
    {
      folder: folderName,
      mapping: { file: 'connectors/social-insurance/mapping.yaml', text: mapping },
      readDescription: (name) => (name === 'openapi.yaml' ? { file: 'connectors/social-insurance/openapi.yaml', text: openapi } : undefined),
    },
    catalog,
  )
}

function problems(mapping: string, openapi?: string, folderName?: string): string[] {
  try {
    load(mapping, openapi, folderName)
  } catch (error) {
    if (error instanceof ConnectorFilesError) return error.problems.map((p) => p.message)
    throw error
  }
  return []
}

/** The 1-based line of the first line of `text` that contains `needle`. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1

function edit(from: string, to: string): string {
  if (!MAPPING.includes(from)) throw new Error(`the mapping no longer holds ${JSON.stringify(from)}`)
  return MAPPING.replace(from, to)
}

/** The record type renamed to a canonical type, as if the source answered that type. */
const answering = (type: string) =>
  edit("  SocialInsuranceRecord:\n    description: Sổ bảo hiểm xã hội của một người / A person's social insurance book\n", `  ${type}:\n`).replace(
    '    type: SocialInsuranceRecord\n',
    `    type: ${type}\n`,
  )

describe('loading a described connector', () => {
  it('loads the shipped social insurance connector', () => {
    const plan = load(MAPPING)
    expect(plan.name).toBe('social-insurance')
    expect(plan.lookups.map((l) => [l.field, l.operation.id, l.batch?.operation.id])).toEqual([['socialInsuranceRecord', 'traCuuSoBhxh', 'traCuuLoSoBhxh']])
    expect(plan.sdl).toContain('socialInsuranceRecord(pin: PIN!): SocialInsuranceRecord')
  })

  // [what is wrong, the edited mapping, text the problem must contain, the text on the line it must point at]
  const rows: Array<[string, string, RegExp, string]> = [
    [
      'an unknown operation',
      edit('operation: traCuuSoBhxh', 'operation: traCuuSoBhxhCu'),
      /query\.socialInsuranceRecord\.operation: .*no operation traCuuSoBhxhCu/,
      'operation: traCuuSoBhxhCu',
    ],
    [
      'a field the source does not have',
      edit('from: maSoBhxh', 'from: maSoBaoHiem'),
      /types\.SocialInsuranceRecord\.fields\.code\.from: maSoBaoHiem does not exist in traCuuSoBhxh → duLieu/,
      'from: maSoBaoHiem',
    ],
    ['a nested path through a value', edit('from: maSoBhxh', 'from: maSoBhxh.so'), /maSoBhxh is not an object/, 'from: maSoBhxh.so'],
    [
      'a type mismatch (text read as Int)',
      edit('        type: String!\n        from: maSoBhxh', '        type: Int!\n        from: maSoBhxh'),
      /code\.type: Int cannot be read from maSoBhxh .* which is a string/,
      'type: Int!',
    ],
    [
      'a list read as one value',
      edit("type: '[InsurancePeriod!]!'", 'type: InsurancePeriod!'),
      /periods\.type: InsurancePeriod! is not a list, but quaTrinhThamGia .* is an array/,
      'type: InsurancePeriod!',
    ],
    [
      'a code list gap',
      edit("codes: { '1': MALE, '2': FEMALE, '3': OTHER }", "codes: { '1': MALE, '2': FEMALE }"),
      /fields\.sex\.codes: the code list has no entry for 3/,
      "codes: { '1': MALE, '2': FEMALE }",
    ],
    [
      'a code the source does not declare',
      edit("codes: { '1': MALE, '2': FEMALE, '3': OTHER }", "codes: { '1': MALE, '2': FEMALE, '3': OTHER, '9': UNKNOWN }"),
      /sex\.codes\.9: 9 is not a value gioiTinh .* declares/,
      "'9': UNKNOWN",
    ],
    ['a code into a value the enum lacks', edit("'3': OTHER }", "'3': KHAC }"), /sex\.codes\.3: KHAC is not a value of Sex/, "'3': KHAC"],
    [
      'an enum without its code list',
      edit("        codes: { '1': ACTIVE, '2': SUSPENDED, '3': ENDED }\n", ''),
      /fields\.status\.codes: SocialInsuranceStatus is an enum: the field needs the code list/,
      '      status:',
    ],
    [
      'a required field from one the source may omit',
      edit('        type: PartialDate\n        from: denThang', '        type: PartialDate!\n        from: denThang'),
      /toMonth\.type: PartialDate! cannot hold denThang: .* may omit it or send null/,
      'TYPE_BEFORE from: denThang',
    ],
    ['a date without its layout', edit('        date: yyyyMMdd|yyyyMM|yyyy\n', ''), /birthDate\.date: PartialDate needs the layout/, '      birthDate:'],
    [
      'a partial layout for a whole Date',
      edit('        type: PartialDate!\n        from: ngaySinh', '        type: Date!\n        from: ngaySinh'),
      /may give a partial date: a Date field needs a whole-date layout/,
      'date: yyyyMMdd|yyyyMM|yyyy',
    ],
    ['an unknown key', edit('deadlineMs: 3000', 'deadlineMs: 3000\ntimeoutMs: 3000'), /timeoutMs: Unrecognized key/, 'timeoutMs: 3000'],
    ['a value of the wrong kind', edit('deadlineMs: 3000', 'deadlineMs: soon'), /deadlineMs: .*number/, 'deadlineMs: soon'],
    [
      'a text step that does not exist',
      edit('text: [collapseSpaces, titleCase]', 'text: [collapseSpaces, capitalise]'),
      /name\.text\.1: /,
      'text: [collapseSpaces, capitalise]',
    ],
    [
      'a canonical enum redefined as a type',
      edit('  SocialInsuranceRecord:\n    description', '  Sex:\n    description'),
      /types\.Sex: Sex is already a type of the canonical schema, and not an object type a source can answer/,
      '  Sex:',
    ],
    [
      'a canonical type answered with a field it does not have',
      answering('BusinessLine'),
      /types\.BusinessLine\.fields\.pin: BusinessLine has no field pin/,
      '      pin:',
    ],
    [
      'a canonical type answered without a field it requires',
      answering('BusinessLine'),
      /types\.BusinessLine\.fields: BusinessLine\.isMain \(Boolean!\) is required by the canonical schema, and the mapping does not answer it/,
      '    fields:',
    ],
    [
      'a canonical type whose resolvers read values only its own registry carries',
      answering('Citizen'),
      /types\.Citizen\.fields: Citizen is answered by a hand-written connector/,
      '    fields:',
    ],
    [
      'a canonical root field answered with another type',
      edit('  socialInsuranceRecord:\n', '  citizen:\n'),
      /query\.citizen\.type: Query\.citizen is Citizen in the canonical schema/,
      '    type: SocialInsuranceRecord',
    ],
    [
      'an argument to no parameter',
      edit('to: soDinhDanh', 'to: maSo'),
      /arguments\.pin\.to: traCuuSoBhxh has no path or query parameter maSo/,
      'pin: { type: PIN!, to: maSo }',
    ],
    ['a batch body field that is not there', edit('keys: danhSachSoDinhDanh', 'keys: danhSach'), /batch\.keys: danhSach does not exist/, 'keys: danhSach'],
    ['a batch larger than the source takes', edit('maxSize: 100', 'maxSize: 500'), /batch\.maxSize: traCuuLoSoBhxh takes at most 100 keys/, 'maxSize: 500'],
    [
      'a key header the source does not ask for',
      edit('header: X-API-Key', 'header: X-Key'),
      /auth\.header: .*asks for the key in X-API-Key, not X-Key/,
      'header: X-Key',
    ],
    ['an envelope field the answers lack', edit('status: maLoi', 'status: ketQua'), /envelope's ketQua: ketQua does not exist/, 'operation: traCuuSoBhxh'],
    [
      'a lookup keyed by plain text',
      edit('pin: { type: PIN!, to: soDinhDanh }', 'pin: { type: String!, to: soDinhDanh }'),
      /arguments\.pin\.type: a lookup's key is one of PIN, TaxCode, String with form: parcelKey; not String!/,
      'pin: { type: String!, to: soDinhDanh }',
    ],
    ['a record key that does not exist', edit('key: soDinhDanh', 'key: soCccd'), /query\.socialInsuranceRecord\.key: soCccd does not exist/, 'key: soCccd'],
    ['a record key written as a number', edit('key: soDinhDanh', 'key: gioiTinh'), /key: gioiTinh in .* is not text every record carries/, 'key: gioiTinh'],
    ['a field name GraphQL keeps for itself', edit('      code:\n', '      __code:\n'), /fields\.__code: must not begin with __/, '      __code:'],
    [
      'an enum value GraphQL cannot have',
      edit('      ENDED: {', "      'null': {"),
      /values\.null: true, false and null cannot be enum values/,
      "      'null': {",
    ],
    [
      'an envelope success of the wrong kind',
      edit("  success: '00'", '  success: 0'),
      /envelope\.success: maLoi in .* is a string; the success value 0 would never match/,
      '  success: 0',
    ],
    [
      'a text step on a number',
      edit('        type: Decimal!\n        from: mucLuong', '        type: ID!\n        from: mucLuong\n        text: [trim]'),
      /fields\.salary\.text: text steps read text, and mucLuong .* is a (integer|number)/,
      'text: [trim]',
    ],
    [
      'zeroPad onto a number',
      edit('        type: AdminCode\n        from: maTinhKs', '        type: Int\n        from: maTinhKs'),
      /provinceCode\.zeroPad: zeroPad makes text: Int cannot hold it/,
      'zeroPad: 2',
    ],
    [
      'a health operation that takes parameters',
      edit('operation: kiemTraKetNoi', 'operation: traCuuSoBhxh'),
      /health\.operation: traCuuSoBhxh requires parameters/,
      'operation: kiemTraKetNoi',
    ],
  ]
  it.each(rows)('refuses %s, naming the file, the line and the path', (_name, mapping, message, onLine) => {
    const found = problems(mapping)
    const problem = found.find((p) => message.test(p))
    expect(problem, found.join('\n')).toBeDefined()
    // The health row points at its operation key (the edit leaves two `operation: traCuuSoBhxh`);
    // TYPE_BEFORE: the `type:` line written just before the named one.
    const line =
      onLine === 'operation: kiemTraKetNoi'
        ? lineOf(mapping, 'health:') + 1
        : onLine.startsWith('TYPE_BEFORE ')
          ? lineOf(mapping, onLine.slice('TYPE_BEFORE '.length)) - 1
          : lineOf(mapping, onLine)
    expect(problem).toMatch(new RegExp(`^connectors/social-insurance/mapping\\.yaml:${line}:\\d+: `))
  })

  it.each([
    ['not YAML', 'connector: social-insurance\n  registry: [unclosed', /mapping\.yaml:\d+:\d+: not YAML or JSON/],
    ['another folder’s name', MAPPING, /mapping\.yaml:\d+:\d+: connector: must be the folder's name, other/],
    [
      'a description file that is not in the folder',
      edit('description: openapi.yaml', 'description: bhxh.yaml'),
      /description: bhxh\.yaml is not in the folder/,
    ],
  ])('refuses %s', (name, mapping, message) => {
    const found = problems(mapping, undefined, name === 'another folder’s name' ? 'other' : 'social-insurance')
    expect(found.join('\n')).toMatch(message)
  })

  it.each([
    [
      'a record the answer may omit',
      OPENAPI.replace('required: [maLoi, moTaLoi, duLieu]', 'required: [maLoi, moTaLoi]'),
      /query\.socialInsuranceRecord\.result: duLieu may be absent or null/,
    ],
    [
      'a path with an identifier written in',
      OPENAPI.replace('/apiBHXH/v1/so-bhxh/{soDinhDanh}:', '/apiBHXH/v1/so-bhxh/001085999001/{soDinhDanh}:'),
      /holds a run of six digits/,
    ],
    [
      'a path that leaves the registry',
      OPENAPI.replace('/apiBHXH/v1/so-bhxh/{soDinhDanh}:', '/http://evil.example/{soDinhDanh}:'),
      /openapi\.yaml:\d+:\d+: paths\..*empty segment/,
    ],
    [
      'an answer schema the check cannot take',
      OPENAPI.replace('    KetQuaSoBhxh:\n      type: object', '    KetQuaSoBhxh:\n      type: object\n      not: { required: [loi] }'),
      /traCuuSoBhxh's answer schema cannot be checked/,
    ],
  ])('refuses %s in the description', (_name, openapi, message) => {
    expect(openapi).not.toBe(OPENAPI)
    expect(problems(MAPPING, openapi).join('\n')).toMatch(message)
  })

  it('refuses a broken description, naming the description file and its line', () => {
    const broken = OPENAPI.replace('operationId: traCuuSoBhxh', 'x-operationId: traCuuSoBhxh')
    const found = problems(MAPPING, broken)
    expect(found.join('\n')).toMatch(/^connectors\/social-insurance\/openapi\.yaml:\d+:\d+: .*operationId/m)
  })

  it('reports every problem at once', () => {
    const mapping = edit('from: maSoBhxh', 'from: maSoBaoHiem').replace('operation: traCuuLoSoBhxh', 'operation: traCuuLo')
    expect(problems(mapping).length).toBeGreaterThanOrEqual(2)
  })
})
