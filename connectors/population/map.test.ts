import { describe, expect, it } from 'vitest'
import { ConnectorError, type Citizen } from '../kit/index.js'
import { mapCitizen, mapHousehold, toBirthProvinceCode, toSex, toVerification } from './map.js'

/** A complete, valid CongDan as the registry sends it (synthetic). */
const base = {
  SoDinhDanh: '001085000101',
  SoCMND: '012345678',
  HoVaTen: { Ho: 'Nguyễn', ChuDem: 'Văn', Ten: 'An' },
  NgayThangNamSinh: '19850314',
  GioiTinh: 'Nam',
  DanToc: { Ma: '01', Ten: 'Kinh' },
  TonGiao: { Ma: '00', Ten: 'Không' },
  QuocTich: 'Việt Nam',
  TinhTrangHonNhan: 'Đã kết hôn',
  NhomMau: 'O',
  NoiDangKyKhaiSinh: { MaTinh3: '001' },
  QueQuan: 'Nam Định',
  Me: { SoDinhDanh: '001160000202', HoVaTen: { Ho: 'Trần', ChuDem: 'Thị', Ten: 'Hoa' }, QuocTich: 'Việt Nam' },
  VoChong: { SoDinhDanh: null, HoVaTen: { Ho: 'Lê', ChuDem: '', Ten: 'Mai' }, QuocTich: 'Lào' },
  ThuongTru: { MaTinh: '01', MaXa: '00097', MaHuyen: '002', ChiTiet: 'Số 12,  ngõ 5, phố Mẫu' },
  TamTru: { MaTinh: '79', MaXa: '26734', ChiTiet: 'Số 3 Lê Lợi', NgayHetHan: '20270115' },
  NoiOHienTai: { MaTinh: '79', MaXa: '26734', ChiTiet: 'Số 3 Lê Lợi' },
  TamVang: false,
  QuaTrinhCuTru: [
    { LoaiCuTru: 'THUONG_TRU', DiaChi: { MaTinh: '01', MaXa: '00070', ChiTiet: 'Thôn 1' }, TuNgay: '20030101', DenNgay: '20150620' },
    { LoaiCuTru: 'THUONG_TRU', DiaChi: { MaTinh: '01', MaXa: '00097', ChiTiet: 'Số 12' }, TuNgay: '20150620' },
    { LoaiCuTru: 'TAM_TRU', DiaChi: { MaTinh: '79', MaXa: '26734', ChiTiet: 'Số 3 Lê Lợi' }, TuNgay: '20250115', DenNgay: '20270115' },
  ],
  ChuHo: { MaHoGiaDinh: 'HGD-0000001', QuanHeChuHo: 'Chủ hộ' },
  NgayMat: null,
  ThoiDiemDuLieu: '2026-09-30T08:00:00+07:00',
}

const patched = (patch: Record<string, unknown>) => ({ ...base, ...patch })

const without = (key: keyof typeof base) => {
  const copy: Record<string, unknown> = { ...base }
  delete copy[key]
  return copy
}

describe('mapCitizen', () => {
  it('maps a complete record field by field', () => {
    const citizen = mapCitizen(base)
    expect(citizen).toMatchObject({
      pin: '001085000101',
      legacyIdNumber: '012345678',
      name: { family: 'Nguyễn', middle: 'Văn', given: 'An', full: 'Nguyễn Văn An' },
      birthDate: '1985-03-14',
      sex: 'MALE',
      birthRegistrationProvinceCode: '01',
      hometown: 'Nam Định',
      ethnicity: { code: '01', name: 'Kinh' },
      religion: { code: '00', name: 'Không' },
      nationality: [{ code: 'VN', name: 'Việt Nam' }],
      maritalStatus: { code: null, name: 'Đã kết hôn' },
      bloodType: { code: 'O', name: 'O' },
      father: null,
      mother: { pin: '001160000202', name: { full: 'Trần Thị Hoa' }, nationality: { code: 'VN', name: 'Việt Nam' } },
      spouse: { pin: null, name: { family: 'Lê', middle: null, given: 'Mai', full: 'Lê Mai' }, nationality: { code: null, name: 'Lào' } },
      household: { householdId: 'HGD-0000001', relationToHead: { code: null, name: 'Chủ hộ' } },
      deceasedOn: null,
      dataAsOf: '2026-09-30T08:00:00+07:00',
    })
    expect(citizen.residence).toEqual({
      permanent: {
        provinceCode: '01',
        communeCode: '00097',
        detail: 'Số 12, ngõ 5, phố Mẫu',
        legacy: { provinceCode: '01', districtCode: '002', communeCode: '00097', text: null },
        fullText: null,
      },
      temporary: {
        address: { provinceCode: '79', communeCode: '26734', detail: 'Số 3 Lê Lợi', legacy: null, fullText: null },
        validUntil: '2027-01-15',
      },
      current: { provinceCode: '79', communeCode: '26734', detail: 'Số 3 Lê Lợi', legacy: null, fullText: null },
      temporaryAbsence: false,
      history: [
        { kind: 'PERMANENT', address: expect.objectContaining({ communeCode: '00070' }), from: '2003-01-01', to: '2015-06-20' },
        { kind: 'PERMANENT', address: expect.objectContaining({ communeCode: '00097' }), from: '2015-06-20', to: null },
        { kind: 'TEMPORARY', address: expect.objectContaining({ communeCode: '26734' }), from: '2025-01-15', to: '2027-01-15' },
      ],
    })
  })

  it.each([
    ['year-only birth date', patched({ NgayThangNamSinh: '1985' }), (c: Citizen) => expect(c.birthDate).toBe('1985')],
    ['year-month birth date', patched({ NgayThangNamSinh: '198503' }), (c: Citizen) => expect(c.birthDate).toBe('1985-03')],
    [
      'legacy SOAP-style birth date object',
      patched({ NgayThangNamSinh: { NgayThangNam: '19850314' } }),
      (c: Citizen) => expect(c.birthDate).toBe('1985-03-14'),
    ],
    ['leap day', patched({ NgayThangNamSinh: '20000229' }), (c: Citizen) => expect(c.birthDate).toBe('2000-02-29')],
    ['"Nữ" → FEMALE', patched({ GioiTinh: 'Nữ' }), (c: Citizen) => expect(c.sex).toBe('FEMALE')],
    ['decomposed (NFD) "Nữ" → FEMALE', patched({ GioiTinh: 'Nữ'.normalize('NFD') }), (c: Citizen) => expect(c.sex).toBe('FEMALE')],
    ['"Khác" → OTHER', patched({ GioiTinh: 'Khác' }), (c: Citizen) => expect(c.sex).toBe('OTHER')],
    ['missing sex → UNKNOWN', patched({ GioiTinh: null }), (c: Citizen) => expect(c.sex).toBe('UNKNOWN')],
    [
      'NFD name is composed',
      patched({ HoVaTen: { Ho: 'Nguyễn'.normalize('NFD'), ChuDem: ' Văn ', Ten: 'An' } }),
      (c: Citizen) => expect(c.name.full).toBe('Nguyễn Văn An'),
    ],
    [
      'no middle name',
      patched({ HoVaTen: { Ho: 'Lý', Ten: 'Long' } }),
      (c: Citizen) => expect(c.name).toEqual({ family: 'Lý', middle: null, given: 'Long', full: 'Lý Long' }),
    ],
    [
      'nationality list',
      patched({ QuocTich: ['Việt Nam', 'Pháp'] }),
      (c: Citizen) =>
        expect(c.nationality).toEqual([
          { code: 'VN', name: 'Việt Nam' },
          { code: null, name: 'Pháp' },
        ]),
    ],
    [
      'TP.HCM birth registration "079" → "79"',
      patched({ NoiDangKyKhaiSinh: { MaTinh3: '079' } }),
      (c: Citizen) => expect(c.birthRegistrationProvinceCode).toBe('79'),
    ],
    [
      'merged-away province "074" keeps its old code',
      patched({ NoiDangKyKhaiSinh: { MaTinh3: '074' } }),
      (c: Citizen) => expect(c.birthRegistrationProvinceCode).toBe('74'),
    ],
    ['no current address → permanent', without('NoiOHienTai'), (c: Citizen) => expect(c.residence.current).toEqual(c.residence.permanent)],
    ['no residence history → []', without('QuaTrinhCuTru'), (c: Citizen) => expect(c.residence.history).toEqual([])],
    ['no household', without('ChuHo'), (c: Citizen) => expect(c.household).toBeNull()],
    ['empty SoCMND → null', patched({ SoCMND: '' }), (c: Citizen) => expect(c.legacyIdNumber).toBeNull()],
    ['deceased, month precision', patched({ NgayMat: '202503' }), (c: Citizen) => expect(c.deceasedOn).toBe('2025-03')],
    ['Rh blood group', patched({ NhomMau: 'ab+' }), (c: Citizen) => expect(c.bloodType).toEqual({ code: 'AB+', name: 'ab+' })],
    [
      'unlisted blood group text keeps name only',
      patched({ NhomMau: 'Chưa xác định' }),
      (c: Citizen) => expect(c.bloodType).toEqual({ code: null, name: 'Chưa xác định' }),
    ],
  ])('valid: %s', (_label, payload, check) => {
    check(mapCitizen(payload))
  })

  it('takes ThoiDiemDuLieu from the envelope when the record has none', () => {
    expect(mapCitizen(without('ThoiDiemDuLieu'), '2026-01-02T03:04:05+07:00').dataAsOf).toBe('2026-01-02T03:04:05+07:00')
  })

  it.each([
    ['not an object', 'CongDan'],
    ['null', null],
    ['missing SoDinhDanh', without('SoDinhDanh')],
    ['SoDinhDanh of 11 digits', patched({ SoDinhDanh: '00108500010' })],
    ['SoDinhDanh as a number', patched({ SoDinhDanh: 1085000101 })],
    ['missing HoVaTen', without('HoVaTen')],
    ['HoVaTen as a single string', patched({ HoVaTen: 'Nguyễn Văn An' })],
    ['empty given name', patched({ HoVaTen: { Ho: 'Nguyễn', ChuDem: 'Văn', Ten: '  ' } })],
    ['missing birth date', without('NgayThangNamSinh')],
    ['impossible birth date 31 February', patched({ NgayThangNamSinh: '19850231' })],
    ['impossible birth month 13', patched({ NgayThangNamSinh: '198513' })],
    ['29 February in a common year', patched({ NgayThangNamSinh: '19850229' })],
    ['birth date as dd/MM/yyyy', patched({ NgayThangNamSinh: '14/03/1985' })],
    ['birth year out of range', patched({ NgayThangNamSinh: '0985' })],
    ['SoCMND of 8 digits', patched({ SoCMND: '12345678' })],
    ['unknown MaTinh3 "003"', patched({ NoiDangKyKhaiSinh: { MaTinh3: '003' } })],
    ['MaTinh3 of 2 digits', patched({ NoiDangKyKhaiSinh: { MaTinh3: '01' } })],
    ['3-digit province code in an address', patched({ ThuongTru: { MaTinh: '001', MaXa: '00097', ChiTiet: 'x' } })],
    ['commune code of 4 digits', patched({ ThuongTru: { MaTinh: '01', MaXa: '0097', ChiTiet: 'x' } })],
    ['TamVang as a string', patched({ TamVang: 'false' })],
    ['DanToc without name', patched({ DanToc: { Ma: '01' } })],
    ['unknown LoaiCuTru', patched({ QuaTrinhCuTru: [{ LoaiCuTru: 'LUU_TRU', DiaChi: base.ThuongTru, TuNgay: '20200101' }] })],
    ['partial date in residence history', patched({ QuaTrinhCuTru: [{ LoaiCuTru: 'THUONG_TRU', DiaChi: base.ThuongTru, TuNgay: '2020' }] })],
    ['impossible NgayHetHan', patched({ TamTru: { ...base.TamTru, NgayHetHan: '20270230' } })],
    ['impossible NgayMat', patched({ NgayMat: '20250000' })],
    ['father with malformed PIN', patched({ Cha: { SoDinhDanh: 'abc', HoVaTen: { Ho: 'A', Ten: 'B' } } })],
    ['ThoiDiemDuLieu not an instant', patched({ ThoiDiemDuLieu: '30/09/2026' })],
    ['no ThoiDiemDuLieu anywhere', without('ThoiDiemDuLieu')],
    ['ChuHo without relation', patched({ ChuHo: { MaHoGiaDinh: 'HGD-1' } })],
  ])('malformed: %s → UPSTREAM_BAD_RESPONSE', (_label, payload) => {
    let caught: unknown
    try {
      mapCitizen(payload)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ConnectorError)
    expect(caught).toMatchObject({ connector: 'population', code: 'UPSTREAM_BAD_RESPONSE' })
    // Logs get field paths, never values: the PIN must not appear in the message.
    expect((caught as Error).message).not.toContain('001085000101')
  })
})

describe('mapHousehold', () => {
  const household = {
    MaHoGiaDinh: 'HGD-0000001',
    ChuHo: { SoDinhDanh: '001085000101', HoVaTen: { Ho: 'Nguyễn', ChuDem: 'Văn', Ten: 'An' } },
    ThanhVien: [
      { SoDinhDanh: '001085000101', HoVaTen: { Ho: 'Nguyễn', ChuDem: 'Văn', Ten: 'An' }, QuanHeChuHo: 'Chủ hộ' },
      { SoDinhDanh: '001310000303', QuanHeChuHo: 'Con đẻ' },
    ],
    DiaChi: { MaTinh: '01', MaXa: '00097', ChiTiet: 'Số 12' },
  }

  it('maps head, members and address', () => {
    expect(mapHousehold(household)).toEqual({
      id: 'HGD-0000001',
      headPin: '001085000101',
      members: [
        { pin: '001085000101', relationToHead: { code: null, name: 'Chủ hộ' } },
        { pin: '001310000303', relationToHead: { code: null, name: 'Con đẻ' } },
      ],
      address: { provinceCode: '01', communeCode: '00097', detail: 'Số 12', legacy: null, fullText: null },
    })
  })

  it.each([
    ['missing ChuHo', { ChuHo: undefined }],
    ['ThanhVien not a list', { ThanhVien: { SoDinhDanh: '001085000101' } }],
    ['member with a 9-digit id', { ThanhVien: [{ SoDinhDanh: '012345678', QuanHeChuHo: 'Con đẻ' }] }],
    ['member without relation', { ThanhVien: [{ SoDinhDanh: '001085000101' }] }],
    ['empty MaHoGiaDinh', { MaHoGiaDinh: '' }],
    ['address with a province name instead of a code', { DiaChi: { MaTinh: 'Hà Nội', MaXa: '00097' } }],
  ])('malformed: %s → UPSTREAM_BAD_RESPONSE', (_label, patch) => {
    expect(() => mapHousehold({ ...household, ...patch })).toThrow(expect.objectContaining({ code: 'UPSTREAM_BAD_RESPONSE' }))
  })
})

describe('code normalisation', () => {
  it.each([
    ['Nam', 'MALE'],
    ['NAM', 'MALE'],
    ['Nữ', 'FEMALE'],
    ['nữ', 'FEMALE'],
    ['Khác', 'OTHER'],
    ['', 'UNKNOWN'],
    [null, 'UNKNOWN'],
    ['1', 'UNKNOWN'],
  ] as const)('sex %j → %s', (wire, canonical) => {
    expect(toSex(wire)).toBe(canonical)
  })

  it.each([
    ['001', '01'],
    ['079', '79'],
    ['038', '38'],
    ['096', '96'],
    [null, null],
  ] as const)('MaTinh3 %j → %j', (wire, canonical) => {
    expect(toBirthProvinceCode(wire)).toBe(canonical)
  })

  it.each([
    [true, true, true],
    [true, false, false],
    [false, false, false],
    [false, true, false],
  ])('TonTai %s, KhopThongTin %s → match %s', (tonTai, khop, match) => {
    expect(toVerification('001085000101', { TonTai: tonTai, KhopThongTin: khop })).toEqual({ pin: '001085000101', match })
  })
})
