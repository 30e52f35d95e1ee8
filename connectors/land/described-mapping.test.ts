/**
 * The described land registry's mapping, edited the ways a mapping author could get it wrong:
 * each edit that would let a wrong answer through (or a caller's question go unasked) must be
 * refused at load, naming the path. Then answers a broken registry could send that the connector,
 * map and resolver tests (run against both implementations) do not: a group or a parcel for
 * another key than asked, a group twice, a window larger than asked.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { holderKey } from '../kit/index.js'
import { createWorld, serveSandbox, type SandboxServer } from '../kit/sandbox/index.js'
import { createDescribedLandConnector } from './described-fixture.node.js'
import { createLandSandbox } from './sandbox/index.js'
import { canonicalCatalog, ConnectorFilesError, loadDescribedConnector } from '../described/index.js'
import { typeDefs } from '../../schemas/index.js'

const FOLDER = join(dirname(fileURLToPath(import.meta.url)), 'described')
const MAPPING = readFileSync(join(FOLDER, 'mapping.yaml'), 'utf8')
const WSDL = readFileSync(join(FOLDER, 'service.wsdl'), 'utf8')
const catalog = canonicalCatalog(typeDefs)

function problemsOf(mapping: string, wsdl = WSDL): string[] {
  try {
    loadDescribedConnector(
      {
        folder: 'land',
        mapping: { file: 'mapping.yaml', text: mapping },
        readDescription: (name) => (name === 'service.wsdl' ? { file: 'service.wsdl', text: wsdl } : undefined),
      },
      catalog,
    )
    return []
  } catch (error) {
    if (error instanceof ConnectorFilesError) return error.problems.map((p) => p.message)
    throw error
  }
}

function edit(from: string, to: string, text = MAPPING): string {
  if (!text.includes(from)) throw new Error(`the text no longer holds ${JSON.stringify(from)}`)
  return text.replace(from, to)
}

describe('the described land mapping', () => {
  it('loads as shipped', () => {
    expect(problemsOf(MAPPING)).toEqual([])
  })

  it.each<[string, string, RegExp]>([
    // Keys
    [
      'a key form the engine does not know',
      edit('key: { to: MaThuaDat, form: parcelKey }', 'key: { to: MaThuaDat, form: soDo }'),
      /arguments\.key\.form: a lookup's key is one of/,
    ],
    [
      'a text key without its form',
      edit('key: { to: MaThuaDat, form: parcelKey }', 'key: { to: MaThuaDat }'),
      /arguments\.key\.type: a lookup's key is one of .* not String!/,
    ],
    [
      'a field in a form that is not a text key',
      edit('        form: parcelKey\n        composedOf', '        form: PIN\n        composedOf'),
      /parcelKey\.form: PIN is not a key written as text/,
    ],
    [
      'a key composed of a field that is not there',
      edit('fields: [communeCode, mapSheetNo, parcelNo]', 'fields: [communeCode, mapSheetNo, soThua]'),
      /parcelKey\.composedOf\.fields: soThua is not another value field of LandParcel/,
    ],
    // Steps that read the value
    [
      'a value read by a code the source does not declare',
      edit('from: { CA_NHAN: HoTen, TO_CHUC: TenToChuc }', 'from: { CA_NHAN: HoTen, HO_GIA_DINH: TenToChuc }'),
      /by\.from\.HO_GIA_DINH: HO_GIA_DINH is not a value LoaiChu/,
    ],
    [
      'a value read by a code at a path that is not there',
      edit('by: { field: LoaiChu, from: { CA_NHAN: SoGiayTo } }', 'by: { field: Loai, from: { CA_NHAN: SoGiayTo } }'),
      /pin\.by\.field: Loai does not exist/,
    ],
    [
      'a value read by code from a field that is not there',
      edit('from: { TO_CHUC: SoGiayTo }', 'from: { TO_CHUC: MaSoThue }'),
      /taxCode\.by\.from\.TO_CHUC: MaSoThue does not exist/,
    ],
    ['a catch-all code outside the enum', edit('otherwise: OTHER', 'otherwise: NGAN_CHAN'), /kind\.otherwise: NGAN_CHAN is not a value of EncumbranceKind/],
    [
      '"no value" texts on a required field',
      edit('serial: { from: SoPhatHanh, text: [trim] }', 'serial: { from: SoPhatHanh, text: [trim], none: [Chưa cấp] }'),
      /serial\.none: none makes the value null, and String! cannot be null/,
    ],
    [
      'an address text on a required field',
      edit('issuedBy: { from: CoQuanCap, text: [trim] }', 'issuedBy: { addressText: { units: [CoQuanCap] } }'),
      /issuedBy\.type: addressText makes one text, null when nothing is known/,
    ],
    ['an address text from a unit that is not there', edit('units: [MaXa, MaTinh]', 'units: [MaXa, MaHuyen]'), /addressText\.units\.1: MaHuyen does not exist/],
    // Groups
    [
      'a group loader no module uses',
      edit('  parcelsByHolder:\n    operation', '  parcelsByOwner:\n    operation').replace('group: parcelsByHolder', 'group: parcelsByOwner'),
      /groups\.parcelsByOwner: parcelsByOwner is not a group loader/,
    ],
    ['a group whose keys go nowhere', edit('to: DanhSachChuSuDung.ChuSuDung', 'to: DanhSachChuSuDung.ChuSoHuu'), /keys\.to: .*ChuSoHuu does not exist/],
    [
      'a group larger than the source takes',
      edit('    maxSize: 100\n', '    maxSize: 200\n'),
      /groups\.parcelsByHolder\.maxSize: TraCuuThuaDatTheoChuSuDung takes at most 100 keys/,
    ],
    [
      'a kind code the source does not declare',
      edit('codes: { PIN: CA_NHAN, TaxCode: TO_CHUC }', 'codes: { PIN: CA_NHAN, TaxCode: DOANH_NGHIEP }'),
      /kind\.codes\.TaxCode: DOANH_NGHIEP is not a value LoaiChu/,
    ],
    ['two kinds with one code', edit('codes: { PIN: CA_NHAN, TaxCode: TO_CHUC }', 'codes: { PIN: CA_NHAN, TaxCode: CA_NHAN }'), /two kinds have one code/],
    [
      'group records that are not there',
      edit('    items: DanhSachThuaDat.ThuaDat\n    maxSize', '    items: DanhSachThuaDat.Thua\n    maxSize'),
      /groups\.parcelsByHolder\.items: .*Thua does not exist/,
    ],
    [
      'a field of another record keyed by a field that is no identifier',
      edit('Citizen.landParcels: pin', 'Citizen.landParcels: gender'),
      /answers\.Citizen\.landParcels: gender of Citizen is .*: the key is a PIN or a TaxCode/,
    ],
    [
      'a field of another record that is not a list of parcels',
      edit('Citizen.landParcels: pin', 'Citizen.household: pin'),
      /answers\.Citizen\.household: Citizen\.household is .*: a group answers a nullable list of LandParcel/,
    ],
    // Lists
    ['a list by a group the mapping does not have', edit('group: parcelsByHolder', 'group: parcels'), /byGroup\.group: parcels is not a group of this mapping/],
    [
      'a list filter on a field the record does not have',
      edit('commune: [communeCode, address.communeCode]', 'commune: [communeCode, address.wardCode]'),
      /byGroup\.filters\.commune\.1: Address has no field wardCode/,
    ],
    [
      'an argument that does not filter the group',
      edit('      filters:\n        commune: [communeCode, address.communeCode]\n', ''),
      /byGroup\.filters: commune of Query\.landParcels does not filter the group/,
    ],
    [
      'a field the operation requires, given only sometimes',
      edit('commune: { to: MaXa, length: 5, required: true }', 'commune: { to: MaXa, length: 5 }'),
      /TraCuuThuaDatTheoXa requires MaXa in its request: map an argument to it with required: true/,
    ],
    [
      'a page parameter the operation does not have',
      edit('page: { offset: ViTri, limit: SoLuong }', 'page: { offset: ViTri, limit: Trang }'),
      /page\.limit: TraCuuThuaDatTheoXa has no request field Trang/,
    ],
  ])('refuses %s', (_name, mapping, problem) => {
    const problems = problemsOf(mapping)
    expect(problems.length).toBeGreaterThan(0)
    expect(problems.some((message) => problem.test(message))).toBe(true)
  })

  it('refuses a list or group operation that does not declare the account header', () => {
    const section = /<wsdl:operation name="TraCuuThuaDatTheoXa">\s*<soap:operation[\s\S]*?<\/wsdl:operation>/.exec(WSDL)?.[0]
    expect(section).toBeDefined()
    const withoutHeader = WSDL.replace(section!, section!.replace(/<soap:header[^>]*\/>/, ''))
    expect(problemsOf(MAPPING, withoutHeader)).toEqual([expect.stringMatching(/auth\.header: TraCuuThuaDatTheoXa declares no SOAP header ThongTinYeuCau/)])
  })

  it('keeps the description the sandbox serves', async () => {
    const { landWsdl } = await import('./sandbox/wsdl.js')
    const served = landWsdl('http://127.0.0.1:8183/ws/DatDai.asmx')
    // The committed file is the served document laid out one element per line.
    const squeeze = (text: string) => text.replace(/>\s+</g, '><').trim()
    expect(squeeze(WSDL)).toBe(squeeze(served))
  })
})

describe('the described land registry, answering another question than asked', () => {
  const world = createWorld({ citizens: 300, parcels: 120, enterprises: 60 })
  const heldBy = (pin: string) => world.parcels.filter((p) => p.holders.some((h) => h.id === pin))
  const pins = [...new Set(world.parcels.flatMap((p) => p.holders.filter((h) => h.kind === 'PERSON').map((h) => h.id)))]
  const [asked, other] = pins.filter((pin) => heldBy(pin).length > 0) as [string, string]
  const commune = [...new Set(world.parcels.map((p) => p.address.communeCode))].find(
    (code) => world.parcels.filter((p) => p.address.communeCode === code || p.sheetCommuneCode === code).length >= 3,
  )!
  let server: SandboxServer
  beforeAll(async () => {
    server = await serveSandbox('land-described-adversarial', createLandSandbox(world))
  })
  afterAll(async () => {
    await server.close()
  })

  /** The registry behind a proxy that rewrites the request or the answer on the way. */
  const through = (change: { request?: (body: string) => string; answer?: (body: string) => string }) =>
    createDescribedLandConnector({
      baseUrl: server.url,
      timeoutMs: 5000,
      fetch: async (input, init) => {
        const body = typeof init?.body === 'string' && change.request ? change.request(init.body) : init?.body
        const response = await fetch(input, { ...init, body: body ?? null })
        const text = await response.text()
        return new Response(change.answer ? change.answer(text) : text, { status: response.status, headers: response.headers })
      },
    })
  const scope = { requestId: 'req-adversarial' }

  it('refuses a group for a holder not asked for, and never answers the asked holder "none"', async () => {
    const land = through({ answer: (text) => text.replaceAll(`<SoGiayTo>${asked}</SoGiayTo>`, `<SoGiayTo>${other}</SoGiayTo>`) })
    await expect(land.createLoaders(scope).parcelsByHolder.load(holderKey({ pin: asked }))).rejects.toMatchObject({
      connector: 'land',
      code: 'UPSTREAM_BAD_RESPONSE',
    })
  })

  it('refuses a holder answered twice', async () => {
    const land = through({ answer: (text) => text.replace(/(<KetQuaChuSuDung>[\s\S]*?<\/KetQuaChuSuDung>)/, '$1$1') })
    await expect(land.parcelsByHolders([{ pin: asked }], scope)).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
  })

  it('refuses a parcel other than the one asked for', async () => {
    const [wanted, answered] = world.parcels as [(typeof world.parcels)[number], (typeof world.parcels)[number]]
    const land = through({ request: (body) => body.replace(`<MaThuaDat>${wanted.key}</MaThuaDat>`, `<MaThuaDat>${answered.key}</MaThuaDat>`) })
    await expect(land.parcel(wanted.key, scope)).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
  })

  it('refuses a window larger than asked', async () => {
    const land = through({ request: (body) => body.replace('<SoLuong>2</SoLuong>', '<SoLuong>5</SoLuong>') })
    await expect(land.parcelsByCommune(commune, { offset: 0, limit: 2 }, scope)).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
    // Untouched, the same window is read.
    const plain = through({})
    expect((await plain.parcelsByCommune(commune, { offset: 0, limit: 2 }, scope)).items).toHaveLength(2)
  })
})
