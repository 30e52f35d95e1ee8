import { describe, expect, it } from 'vitest'
import { taxCodeCheckDigit } from '../../schemas/scalars/index.js'
import { ConnectorError, type LandParcel } from '../kit/index.js'
import { createWorld } from '../kit/sandbox/index.js'
import { buildEnvelope, type XmlNode } from './sandbox/soap.js'
import { createDescribedLandConnector } from './described-fixture.node.js'
import { toThuaDat } from './sandbox/wire.js'

// Synthetic identifiers only: a synthetic PIN and a tax code built from its check digit.
const PIN = '001085000101'
const SPOUSE_PIN = '001185000202'
const TAX_NINE = '019900001'
const TAX_CODE = `${TAX_NINE}${taxCodeCheckDigit(TAX_NINE)}`

/** A valid `ThuaDat` as `parseXml` returns it: every leaf a string, lists as arrays. */
function record(): Record<string, unknown> {
  return {
    MaThuaDat: '00097.12.345',
    MaXa: '00097',
    SoToBanDo: '12',
    SoThua: '345',
    DienTich: '125.40',
    MucDichSuDung: [
      { Ma: 'ODT', Ten: 'Đất ở tại đô thị', DienTich: '100.00', ThoiHan: 'Lâu dài' },
      { Ma: 'CLN', Ten: 'Đất trồng cây lâu năm', DienTich: '25.40', ThoiHan: 'đến 15/10/2063' },
    ],
    NguonGoc: 'Nhà nước giao đất có thu tiền sử dụng đất',
    HinhThucSuDung: 'Sử dụng chung',
    DiaChi: { MaTinh: '01', MaXa: '00097', ChiTiet: 'Số 12, ngõ 5, phố Mẫu' },
    ChuSuDung: [
      { LoaiChu: 'CA_NHAN', SoGiayTo: PIN, HoTen: 'Nguyễn Văn An', VaiTro: 'Chồng', TyLe: 'Sử dụng chung' },
      { LoaiChu: 'CA_NHAN', SoGiayTo: SPOUSE_PIN, HoTen: 'Trần Thị Bình', VaiTro: 'Vợ', TyLe: 'Sử dụng chung' },
    ],
    GiayChungNhan: [{ SoPhatHanh: 'AB 123456', SoVaoSo: 'CS 01234', CoQuanCap: 'Văn phòng đăng ký đất đai', NgayCap: '20/05/2019', TrangThai: 'Còn hiệu lực' }],
    BienPhapBaoDam: [{ Loai: 'THE_CHAP', NgayDangKy: '01/03/2021', NgayXoa: '02/04/2024', BenNhan: 'Ngân hàng Mẫu', GhiChu: 'Thế chấp' }],
  }
}

type Patch = (r: Record<string, unknown>) => void
const at = (r: Record<string, unknown>, list: string, i = 0) => (r[list] as Array<Record<string, unknown>>)[i] as Record<string, unknown>

/**
 * Records read by the engine from the described registry (`described/`: its WSDL and mapping),
 * each record sent as the registry sends it: in a SOAP answer.
 */
const described = createDescribedLandConnector({ baseUrl: 'http://registry.invalid' }).described
const mapParcel = (raw: unknown) =>
  described.readAnswer('landParcel', buildEnvelope({ TraCuuThuaDatResponse: { TraCuuThuaDatResult: { ThuaDat: raw } } } as XmlNode)) as unknown as LandParcel

describe('the land registry, described', () => {
  describe('mapParcel: valid payloads', () => {
    it('maps a full record to the canonical LandParcel', () => {
      const parcel = mapParcel(record())
      expect(parcel).toEqual<LandParcel>({
        parcelKey: '00097.12.345',
        communeCode: '00097',
        mapSheetNo: 12,
        parcelNo: 345,
        area: 125.4,
        uses: [
          { typeCode: 'ODT', typeName: 'Đất ở tại đô thị', area: 100, term: 'Lâu dài', until: null },
          { typeCode: 'CLN', typeName: 'Đất trồng cây lâu năm', area: 25.4, term: 'đến 15/10/2063', until: '2063-10-15' },
        ],
        origin: { code: null, name: 'Nhà nước giao đất có thu tiền sử dụng đất' },
        useForm: { code: null, name: 'Sử dụng chung' },
        address: {
          provinceCode: '01',
          communeCode: '00097',
          detail: 'Số 12, ngõ 5, phố Mẫu',
          legacy: null,
          fullText: expect.stringMatching(/^Số 12, ngõ 5, phố Mẫu, Phường Hồng Hà, /) as unknown as string,
        },
        holders: [
          { kind: 'PERSON', role: { code: null, name: 'Chồng' }, pin: PIN, taxCode: null, name: 'Nguyễn Văn An', share: 'Sử dụng chung' },
          { kind: 'PERSON', role: { code: null, name: 'Vợ' }, pin: SPOUSE_PIN, taxCode: null, name: 'Trần Thị Bình', share: 'Sử dụng chung' },
        ],
        certificates: [{ serial: 'AB 123456', registryEntryNo: 'CS 01234', issuedBy: 'Văn phòng đăng ký đất đai', issuedOn: '2019-05-20', status: 'VALID' }],
        encumbrances: [{ kind: 'MORTGAGE', registeredOn: '2021-03-01', releasedOn: '2024-04-02', holderName: 'Ngân hàng Mẫu', note: 'Thế chấp' }],
      })
    })

    it.each<[string, Patch, (p: LandParcel) => unknown, unknown]>([
      [
        'pre-2024 LUA becomes LUC with the 2024 name',
        (r) => {
          at(r, 'MucDichSuDung').Ma = 'LUA'
        },
        (p) => [p.uses[0]?.typeCode, p.uses[0]?.typeName],
        ['LUC', 'Đất chuyên trồng lúa'],
      ],
      [
        'pre-2024 BHK becomes HNK',
        (r) => {
          at(r, 'MucDichSuDung').Ma = 'BHK'
        },
        (p) => p.uses[0]?.typeCode,
        'HNK',
      ],
      [
        'pre-2024 NHK becomes HNK',
        (r) => {
          at(r, 'MucDichSuDung').Ma = 'NHK'
        },
        (p) => p.uses[0]?.typeCode,
        'HNK',
      ],
      [
        'CNT (new in 2024) is known',
        (r) => {
          at(r, 'MucDichSuDung').Ma = 'CNT'
        },
        (p) => p.uses[0]?.typeCode,
        'CNT',
      ],
      [
        '"Ổn định lâu dài" has no end date',
        (r) => {
          at(r, 'MucDichSuDung').ThoiHan = 'Ổn định lâu dài'
        },
        (p) => p.uses[0]?.until,
        null,
      ],
      [
        '"Đến ngày d/M/yyyy" is read',
        (r) => {
          at(r, 'MucDichSuDung').ThoiHan = 'Đến ngày 1/7/2070'
        },
        (p) => p.uses[0]?.until,
        '2070-07-01',
      ],
      [
        'Đã thu hồi → REVOKED',
        (r) => {
          at(r, 'GiayChungNhan').TrangThai = 'Đã thu hồi'
        },
        (p) => p.certificates[0]?.status,
        'REVOKED',
      ],
      [
        'Đã cấp đổi → REPLACED',
        (r) => {
          at(r, 'GiayChungNhan').TrangThai = 'Đã cấp đổi'
        },
        (p) => p.certificates[0]?.status,
        'REPLACED',
      ],
      [
        'status matched in decomposed Unicode and any case',
        (r) => {
          at(r, 'GiayChungNhan').TrangThai = 'CÒN HIỆU LỰC'.normalize('NFD')
        },
        (p) => p.certificates[0]?.status,
        'VALID',
      ],
      [
        'TRANH_CHAP → DISPUTE',
        (r) => {
          at(r, 'BienPhapBaoDam').Loai = 'TRANH_CHAP'
        },
        (p) => p.encumbrances[0]?.kind,
        'DISPUTE',
      ],
      [
        'KE_BIEN → SEIZURE',
        (r) => {
          at(r, 'BienPhapBaoDam').Loai = 'KE_BIEN'
        },
        (p) => p.encumbrances[0]?.kind,
        'SEIZURE',
      ],
      [
        'another encumbrance code → OTHER',
        (r) => {
          at(r, 'BienPhapBaoDam').Loai = 'NGAN_CHAN'
        },
        (p) => p.encumbrances[0]?.kind,
        'OTHER',
      ],
      [
        'no NgayXoa → not released',
        (r) => {
          delete at(r, 'BienPhapBaoDam').NgayXoa
        },
        (p) => p.encumbrances[0]?.releasedOn,
        null,
      ],
      [
        'empty NgayXoa → not released',
        (r) => {
          at(r, 'BienPhapBaoDam').NgayXoa = ''
        },
        (p) => p.encumbrances[0]?.releasedOn,
        null,
      ],
      [
        'TO_CHUC holder → ENTERPRISE with taxCode',
        (r) => {
          r.ChuSuDung = [{ LoaiChu: 'TO_CHUC', SoGiayTo: TAX_CODE, TenToChuc: 'CÔNG TY TNHH MẪU', VaiTro: 'Tổ chức sử dụng đất' }]
        },
        (p) => p.holders,
        [{ kind: 'ENTERPRISE', role: { code: null, name: 'Tổ chức sử dụng đất' }, pin: null, taxCode: TAX_CODE, name: 'CÔNG TY TNHH MẪU', share: null }],
      ],
      [
        'branch tax code normalised to NNNNNNNNNN-NNN',
        (r) => {
          r.ChuSuDung = [{ LoaiChu: 'TO_CHUC', SoGiayTo: `${TAX_CODE}001`, TenToChuc: 'CHI NHÁNH', VaiTro: 'Tổ chức' }]
        },
        (p) => p.holders[0]?.taxCode,
        `${TAX_CODE}-001`,
      ],
      [
        'legacy map-sheet commune kept as is',
        (r) => {
          r.MaThuaDat = '00094.3.7'
          r.MaXa = '00094'
          r.SoToBanDo = '3'
          r.SoThua = '7'
        },
        (p) => [p.communeCode, p.address?.communeCode],
        ['00094', '00097'],
      ],
      [
        'leading zeros in sheet and parcel numbers',
        (r) => {
          r.SoToBanDo = '012'
          r.SoThua = '0345'
        },
        (p) => [p.parcelKey, p.mapSheetNo, p.parcelNo],
        ['00097.12.345', 12, 345],
      ],
      [
        'empty optional texts become null',
        (r) => {
          r.NguonGoc = ''
          r.HinhThucSuDung = ''
        },
        (p) => [p.origin, p.useForm],
        [null, null],
      ],
      [
        'absent lists become []',
        (r) => {
          delete r.ChuSuDung
          delete r.GiayChungNhan
          delete r.BienPhapBaoDam
        },
        (p) => [p.holders, p.certificates, p.encumbrances],
        [[], [], []],
      ],
      [
        'no DiaChi → address null',
        (r) => {
          delete r.DiaChi
        },
        (p) => p.address,
        null,
      ],
    ])('%s', (_name, patch, pick, expected) => {
      const raw = record()
      patch(raw)
      expect(pick(mapParcel(raw))).toEqual(expected)
    })
  })

  describe('mapParcel: malformed payloads → UPSTREAM_BAD_RESPONSE', () => {
    it.each<[string, Patch | unknown]>([
      [
        'impossible certificate date 31/02',
        (r: Record<string, unknown>) => {
          at(r, 'GiayChungNhan').NgayCap = '31/02/2020'
        },
      ],
      [
        'impossible term end 30/02',
        (r: Record<string, unknown>) => {
          at(r, 'MucDichSuDung').ThoiHan = 'đến 30/02/2050'
        },
      ],
      [
        'impossible month 13',
        (r: Record<string, unknown>) => {
          at(r, 'BienPhapBaoDam').NgayDangKy = '01/13/2021'
        },
      ],
      [
        'ISO date instead of dd/MM/yyyy',
        (r: Record<string, unknown>) => {
          at(r, 'GiayChungNhan').NgayCap = '2019-05-20'
        },
      ],
      [
        'a term that is neither',
        (r: Record<string, unknown>) => {
          at(r, 'MucDichSuDung').ThoiHan = '50 năm'
        },
      ],
      [
        'area not a number',
        (r: Record<string, unknown>) => {
          r.DienTich = 'một trăm'
        },
      ],
      [
        'area with a decimal comma',
        (r: Record<string, unknown>) => {
          r.DienTich = '125,40'
        },
      ],
      [
        'area as an element instead of text',
        (r: Record<string, unknown>) => {
          r.DienTich = { GiaTri: '125.4' }
        },
      ],
      [
        'use as text instead of an element',
        (r: Record<string, unknown>) => {
          r.MucDichSuDung = ['ODT']
        },
      ],
      [
        'parcel number 0',
        (r: Record<string, unknown>) => {
          r.SoThua = '0'
          r.MaThuaDat = '00097.12.0'
        },
      ],
      [
        'missing MaThuaDat',
        (r: Record<string, unknown>) => {
          delete r.MaThuaDat
        },
      ],
      [
        'missing DienTich',
        (r: Record<string, unknown>) => {
          delete r.DienTich
        },
      ],
      [
        'MaXa not 5 digits',
        (r: Record<string, unknown>) => {
          r.MaXa = '97'
        },
      ],
      [
        'key disagrees with SoThua',
        (r: Record<string, unknown>) => {
          r.SoThua = '346'
        },
      ],
      [
        'unknown land-type code',
        (r: Record<string, unknown>) => {
          at(r, 'MucDichSuDung').Ma = 'XYZ'
        },
      ],
      [
        'lower-case land-type code',
        (r: Record<string, unknown>) => {
          at(r, 'MucDichSuDung').Ma = 'odt'
        },
      ],
      [
        'unknown certificate status',
        (r: Record<string, unknown>) => {
          at(r, 'GiayChungNhan').TrangThai = 'Đang xử lý'
        },
      ],
      [
        'unknown holder kind',
        (r: Record<string, unknown>) => {
          at(r, 'ChuSuDung').LoaiChu = 'HO_GIA_DINH'
        },
      ],
      [
        'person id not 12 digits',
        (r: Record<string, unknown>) => {
          at(r, 'ChuSuDung').SoGiayTo = '12345678'
        },
      ],
      [
        'person without HoTen',
        (r: Record<string, unknown>) => {
          delete at(r, 'ChuSuDung').HoTen
        },
      ],
      [
        'organisation with a bad check digit',
        (r: Record<string, unknown>) => {
          r.ChuSuDung = [{ LoaiChu: 'TO_CHUC', SoGiayTo: `${TAX_NINE}${((taxCodeCheckDigit(TAX_NINE) ?? 0) + 1) % 10}`, TenToChuc: 'X', VaiTro: 'Y' }]
        },
      ],
      [
        'organisation without TenToChuc',
        (r: Record<string, unknown>) => {
          r.ChuSuDung = [{ LoaiChu: 'TO_CHUC', SoGiayTo: TAX_CODE, HoTen: 'X', VaiTro: 'Y' }]
        },
      ],
      [
        'province code of one digit',
        (r: Record<string, unknown>) => {
          ;(r.DiaChi as Record<string, unknown>).MaTinh = '1'
        },
      ],
      ['null payload', null],
      ['text payload', 'ThuaDat'],
      // Two records where one is expected (in a SOAP answer, two ThuaDat elements).
      ['array payload', [record(), record()]],
    ])('%s', (_name, patchOrPayload) => {
      let raw: unknown = patchOrPayload
      if (typeof patchOrPayload === 'function') {
        raw = record()
        ;(patchOrPayload as Patch)(raw as Record<string, unknown>)
      }
      let caught: unknown
      try {
        mapParcel(raw)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(ConnectorError)
      expect((caught as ConnectorError).code).toBe('UPSTREAM_BAD_RESPONSE')
      expect((caught as ConnectorError).connector).toBe('land')
      // Details are for logs and must not carry identifiers.
      expect((caught as ConnectorError).message).not.toContain(PIN)
    })
  })
})

describe('terms', () => {
  it.each([
    ['Lâu dài', null],
    ['  lâu   dài ', null],
    ['đến 15/10/2063', '2063-10-15'],
    ['đến ngày 01/01/2045', '2045-01-01'],
  ])('%s ends on %s', (term, until) => {
    const raw = record()
    at(raw, 'MucDichSuDung').ThoiHan = term
    expect(mapParcel(raw).uses[0]?.until).toBe(until)
  })
})

describe('XML round trip', () => {
  it('keeps leading zeros and makes a single list element an array', () => {
    const xml =
      '<ThuaDat><MaThuaDat>00097.12.345</MaThuaDat><MaXa>00097</MaXa><SoToBanDo>12</SoToBanDo><SoThua>345</SoThua>' +
      '<DienTich>125.4</DienTich><MucDichSuDung><Ma>ODT</Ma><DienTich>125.4</DienTich><ThoiHan>Lâu dài</ThoiHan></MucDichSuDung>' +
      `<ChuSuDung><LoaiChu>CA_NHAN</LoaiChu><SoGiayTo>${PIN}</SoGiayTo><HoTen>Nguyễn Văn An</HoTen><VaiTro>Cá nhân</VaiTro></ChuSuDung></ThuaDat>`
    const parcel = described.readAnswer(
      'landParcel',
      `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><TraCuuThuaDatResponse xmlns="http://datdai.gov.vn/"><TraCuuThuaDatResult>${xml}</TraCuuThuaDatResult></TraCuuThuaDatResponse></soap:Body></soap:Envelope>`,
    ) as unknown as LandParcel
    expect(parcel.communeCode).toBe('00097')
    expect(parcel.uses).toHaveLength(1)
    expect(parcel.holders[0]?.pin).toBe(PIN)
  })

  it('maps every parcel of a world as the sandbox writes it back to the world values', () => {
    const world = createWorld({ citizens: 400, parcels: 150, enterprises: 100 })
    const parcels = world.parcels.map((parcel) => mapParcel(toThuaDat(parcel)))
    expect(parcels).toHaveLength(world.parcels.length)
    parcels.forEach((parcel, i) => {
      const source = world.parcels[i]!
      expect(parcel.parcelKey).toBe(source.key)
      expect(parcel.communeCode).toBe(source.sheetCommuneCode)
      expect(parcel.address?.communeCode).toBe(source.address.communeCode)
      expect(parcel.area).toBe(source.area)
      expect(parcel.uses.map((use) => [use.typeCode, use.area, use.until])).toEqual(source.uses.map((use) => [use.code, use.area, use.until]))
      expect(parcel.holders.map((h) => [h.kind, h.pin ?? h.taxCode, h.name, h.role.name, h.share])).toEqual(
        source.holders.map((h) => [h.kind, h.id, h.name, h.role, h.share]),
      )
      expect(parcel.certificates.map((c) => [c.serial, c.issuedOn, c.status])).toEqual(source.certificates.map((c) => [c.serial, c.issuedOn, c.status]))
      expect(parcel.encumbrances.map((e) => [e.kind, e.registeredOn, e.releasedOn])).toEqual(
        source.encumbrances.map((e) => [e.kind, e.registeredOn, e.releasedOn]),
      )
    })
  })
})
