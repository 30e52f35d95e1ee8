/**
 * Administrative units, time-versioned. Provinces: the 34 units in force since
 * 1 July 2025 with their NSO codes (915/CTK-CSCL), plus the merged-in provinces as legacy units
 * with successors. Communes: a sample per province, plausible names with codes in each province's
 * historical GSO range (Phường Hồng Hà = 00097 is the real one); and a few pre-2025 communes with
 * their successors, because land map sheets are still numbered per old commune.
 * This is sandbox reference data, not the national catalogue: a deployment loads the real list.
 */

export type AdminLevel = 'PROVINCE' | 'COMMUNE'

export interface AdminUnitRecord {
  code: string
  level: AdminLevel
  kind: string
  name: string
  /** Code of the province a commune belongs to. */
  parentCode: string | null
  validFrom: string
  validTo: string | null
  /** Codes of the units that took over this one (for units with `validTo`). */
  successorCodes: string[]
  legalBasis: string | null
}

export const REFORM_DATE = '2025-07-01'
const BEFORE_REFORM = '2025-06-30'
const EPOCH = '2008-08-01'
/** Centrally-run cities before the reform (Huế became one in 2025). */
const CENTRAL_CITIES = new Set(['01', '31', '48', '79', '92'])
const PROVINCE_BASIS = 'NQ 202/2025/QH15; QĐ 19/2025/QĐ-TTg'
const COMMUNE_BASIS = 'QĐ 19/2025/QĐ-TTg'

/** [code, kind, name, the pre-reform provinces merged into it as [code, name]; none = unchanged] */
const provinces: Array<[string, string, string, Array<[string, string]>]> = [
  ['01', 'Thành phố', 'Hà Nội', []],
  ['04', 'Tỉnh', 'Cao Bằng', []],
  [
    '08',
    'Tỉnh',
    'Tuyên Quang',
    [
      ['08', 'Tuyên Quang'],
      ['02', 'Hà Giang'],
    ],
  ],
  ['11', 'Tỉnh', 'Điện Biên', []],
  ['12', 'Tỉnh', 'Lai Châu', []],
  ['14', 'Tỉnh', 'Sơn La', []],
  [
    '15',
    'Tỉnh',
    'Lào Cai',
    [
      ['10', 'Lào Cai'],
      ['15', 'Yên Bái'],
    ],
  ],
  [
    '19',
    'Tỉnh',
    'Thái Nguyên',
    [
      ['19', 'Thái Nguyên'],
      ['06', 'Bắc Kạn'],
    ],
  ],
  ['20', 'Tỉnh', 'Lạng Sơn', []],
  ['22', 'Tỉnh', 'Quảng Ninh', []],
  [
    '24',
    'Tỉnh',
    'Bắc Ninh',
    [
      ['27', 'Bắc Ninh'],
      ['24', 'Bắc Giang'],
    ],
  ],
  [
    '25',
    'Tỉnh',
    'Phú Thọ',
    [
      ['25', 'Phú Thọ'],
      ['26', 'Vĩnh Phúc'],
      ['17', 'Hòa Bình'],
    ],
  ],
  [
    '31',
    'Thành phố',
    'Hải Phòng',
    [
      ['31', 'Hải Phòng'],
      ['30', 'Hải Dương'],
    ],
  ],
  [
    '33',
    'Tỉnh',
    'Hưng Yên',
    [
      ['33', 'Hưng Yên'],
      ['34', 'Thái Bình'],
    ],
  ],
  [
    '37',
    'Tỉnh',
    'Ninh Bình',
    [
      ['37', 'Ninh Bình'],
      ['35', 'Hà Nam'],
      ['36', 'Nam Định'],
    ],
  ],
  ['38', 'Tỉnh', 'Thanh Hóa', []],
  ['40', 'Tỉnh', 'Nghệ An', []],
  ['42', 'Tỉnh', 'Hà Tĩnh', []],
  [
    '44',
    'Tỉnh',
    'Quảng Trị',
    [
      ['45', 'Quảng Trị'],
      ['44', 'Quảng Bình'],
    ],
  ],
  ['46', 'Thành phố', 'Huế', [['46', 'Thừa Thiên Huế']]],
  [
    '48',
    'Thành phố',
    'Đà Nẵng',
    [
      ['48', 'Đà Nẵng'],
      ['49', 'Quảng Nam'],
    ],
  ],
  [
    '51',
    'Tỉnh',
    'Quảng Ngãi',
    [
      ['51', 'Quảng Ngãi'],
      ['62', 'Kon Tum'],
    ],
  ],
  [
    '52',
    'Tỉnh',
    'Gia Lai',
    [
      ['64', 'Gia Lai'],
      ['52', 'Bình Định'],
    ],
  ],
  [
    '56',
    'Tỉnh',
    'Khánh Hòa',
    [
      ['56', 'Khánh Hòa'],
      ['58', 'Ninh Thuận'],
    ],
  ],
  [
    '66',
    'Tỉnh',
    'Đắk Lắk',
    [
      ['66', 'Đắk Lắk'],
      ['54', 'Phú Yên'],
    ],
  ],
  [
    '68',
    'Tỉnh',
    'Lâm Đồng',
    [
      ['68', 'Lâm Đồng'],
      ['67', 'Đắk Nông'],
      ['60', 'Bình Thuận'],
    ],
  ],
  [
    '75',
    'Tỉnh',
    'Đồng Nai',
    [
      ['75', 'Đồng Nai'],
      ['70', 'Bình Phước'],
    ],
  ],
  [
    '79',
    'Thành phố',
    'Hồ Chí Minh',
    [
      ['79', 'Hồ Chí Minh'],
      ['74', 'Bình Dương'],
      ['77', 'Bà Rịa - Vũng Tàu'],
    ],
  ],
  [
    '80',
    'Tỉnh',
    'Tây Ninh',
    [
      ['72', 'Tây Ninh'],
      ['80', 'Long An'],
    ],
  ],
  [
    '82',
    'Tỉnh',
    'Đồng Tháp',
    [
      ['87', 'Đồng Tháp'],
      ['82', 'Tiền Giang'],
    ],
  ],
  [
    '86',
    'Tỉnh',
    'Vĩnh Long',
    [
      ['86', 'Vĩnh Long'],
      ['83', 'Bến Tre'],
      ['84', 'Trà Vinh'],
    ],
  ],
  [
    '91',
    'Tỉnh',
    'An Giang',
    [
      ['89', 'An Giang'],
      ['91', 'Kiên Giang'],
    ],
  ],
  [
    '92',
    'Thành phố',
    'Cần Thơ',
    [
      ['92', 'Cần Thơ'],
      ['94', 'Sóc Trăng'],
      ['93', 'Hậu Giang'],
    ],
  ],
  [
    '96',
    'Tỉnh',
    'Cà Mau',
    [
      ['96', 'Cà Mau'],
      ['95', 'Bạc Liêu'],
    ],
  ],
]

/** Current communes: province code → [code, kind, name][] */
const communes: Record<string, Array<[string, string, string]>> = {
  '01': [
    ['00004', 'Phường', 'Ba Đình'],
    ['00008', 'Phường', 'Ngọc Hà'],
    ['00025', 'Phường', 'Giảng Võ'],
    ['00070', 'Phường', 'Hoàn Kiếm'],
    ['00082', 'Phường', 'Cửa Nam'],
    ['00097', 'Phường', 'Hồng Hà'],
    ['00103', 'Phường', 'Tây Hồ'],
    ['00166', 'Phường', 'Cầu Giấy'],
    ['00226', 'Phường', 'Đống Đa'],
    ['00256', 'Phường', 'Hai Bà Trưng'],
    ['00301', 'Phường', 'Hoàng Mai'],
    ['00364', 'Phường', 'Thanh Xuân'],
    ['00376', 'Xã', 'Sóc Sơn'],
    ['00454', 'Xã', 'Đông Anh'],
    ['00565', 'Xã', 'Gia Lâm'],
    ['09574', 'Phường', 'Hà Đông'],
    ['09886', 'Xã', 'Thạch Thất'],
    ['10045', 'Xã', 'Ba Vì'],
  ],
  '04': [
    ['01273', 'Phường', 'Thục Phán'],
    ['01279', 'Phường', 'Nùng Trí Cao'],
    ['01392', 'Xã', 'Hòa An'],
  ],
  '08': [
    ['02296', 'Phường', 'Minh Xuân'],
    ['02302', 'Phường', 'Nông Tiến'],
    ['00688', 'Phường', 'Hà Giang 1'],
  ],
  '11': [
    ['03127', 'Phường', 'Điện Biên Phủ'],
    ['03151', 'Phường', 'Mường Lay'],
    ['03199', 'Xã', 'Mường Ảng'],
  ],
  '12': [
    ['03388', 'Phường', 'Tân Phong'],
    ['03390', 'Phường', 'Đoàn Kết'],
    ['03424', 'Xã', 'Tam Đường'],
  ],
  '14': [
    ['03646', 'Phường', 'Tô Hiệu'],
    ['03664', 'Phường', 'Chiềng An'],
    ['03979', 'Xã', 'Mộc Châu'],
  ],
  '15': [
    ['02635', 'Phường', 'Cam Đường'],
    ['02638', 'Phường', 'Lào Cai'],
    ['04246', 'Phường', 'Yên Bái'],
  ],
  '19': [
    ['05431', 'Phường', 'Phan Đình Phùng'],
    ['05443', 'Phường', 'Linh Sơn'],
    ['01843', 'Phường', 'Bắc Kạn'],
  ],
  '20': [
    ['05977', 'Phường', 'Tam Thanh'],
    ['05983', 'Phường', 'Lương Văn Tri'],
    ['06163', 'Xã', 'Hữu Lũng'],
  ],
  '22': [
    ['06652', 'Phường', 'Hạ Long'],
    ['06673', 'Phường', 'Bãi Cháy'],
    ['06832', 'Phường', 'Móng Cái 1'],
  ],
  '24': [
    ['07210', 'Phường', 'Bắc Giang'],
    ['09169', 'Phường', 'Kinh Bắc'],
    ['09187', 'Phường', 'Từ Sơn'],
  ],
  '25': [
    ['07900', 'Phường', 'Việt Trì'],
    ['08923', 'Phường', 'Vĩnh Phúc'],
    ['04645', 'Phường', 'Hòa Bình'],
  ],
  '31': [
    ['11311', 'Phường', 'Hồng Bàng'],
    ['11329', 'Phường', 'Lê Chân'],
    ['10507', 'Phường', 'Hải Dương'],
  ],
  '33': [
    ['11950', 'Phường', 'Phố Hiến'],
    ['12451', 'Phường', 'Thái Bình'],
    ['12025', 'Xã', 'Văn Giang'],
  ],
  '37': [
    ['14329', 'Phường', 'Hoa Lư'],
    ['13285', 'Phường', 'Phủ Lý'],
    ['13603', 'Phường', 'Nam Định'],
  ],
  '38': [
    ['14755', 'Phường', 'Hạc Thành'],
    ['14797', 'Phường', 'Quảng Phú'],
    ['15010', 'Phường', 'Sầm Sơn'],
  ],
  '40': [
    ['16681', 'Phường', 'Thành Vinh'],
    ['16690', 'Phường', 'Trường Vinh'],
    ['16732', 'Phường', 'Cửa Lò'],
  ],
  '42': [
    ['18073', 'Phường', 'Thành Sen'],
    ['18100', 'Phường', 'Trần Phú'],
    ['18115', 'Phường', 'Bắc Hồng Lĩnh'],
  ],
  '44': [
    ['19105', 'Phường', 'Đồng Hới'],
    ['19141', 'Phường', 'Đồng Thuận'],
    ['19333', 'Phường', 'Đông Hà'],
  ],
  '46': [
    ['19753', 'Phường', 'Thuận Hóa'],
    ['19774', 'Phường', 'Phú Xuân'],
    ['19900', 'Phường', 'Hương Thủy'],
  ],
  '48': [
    ['20194', 'Phường', 'Hải Châu'],
    ['20209', 'Phường', 'Thanh Khê'],
    ['20335', 'Phường', 'Tam Kỳ'],
  ],
  '51': [
    ['21025', 'Phường', 'Cẩm Thành'],
    ['21040', 'Phường', 'Nghĩa Lộ'],
    ['23284', 'Phường', 'Kon Tum'],
  ],
  '52': [
    ['21583', 'Phường', 'Quy Nhơn'],
    ['21592', 'Phường', 'Quy Nhơn Đông'],
    ['23575', 'Phường', 'Pleiku'],
  ],
  '56': [
    ['22333', 'Phường', 'Nha Trang'],
    ['22366', 'Phường', 'Bắc Nha Trang'],
    ['22738', 'Phường', 'Phan Rang'],
  ],
  '66': [
    ['24121', 'Phường', 'Buôn Ma Thuột'],
    ['24133', 'Phường', 'Tân An'],
    ['22015', 'Phường', 'Tuy Hòa'],
  ],
  '68': [
    ['24778', 'Phường', 'Xuân Hương - Đà Lạt'],
    ['24781', 'Phường', 'Cam Ly - Đà Lạt'],
    ['22915', 'Phường', 'Phan Thiết'],
  ],
  '75': [
    ['26041', 'Phường', 'Trấn Biên'],
    ['26068', 'Phường', 'Biên Hòa'],
    ['25195', 'Phường', 'Đồng Xoài'],
  ],
  '79': [
    ['26734', 'Phường', 'Sài Gòn'],
    ['26740', 'Phường', 'Tân Định'],
    ['26743', 'Phường', 'Bến Thành'],
    ['27004', 'Phường', 'Bàn Cờ'],
    ['27139', 'Phường', 'Chợ Lớn'],
    ['26806', 'Phường', 'An Khánh'],
    ['25747', 'Phường', 'Thủ Dầu Một'],
    ['26506', 'Phường', 'Vũng Tàu'],
    ['27559', 'Xã', 'Củ Chi'],
  ],
  '80': [
    ['27694', 'Phường', 'Long An'],
    ['27712', 'Phường', 'Tân An'],
    ['25459', 'Phường', 'Tân Ninh'],
  ],
  '82': [
    ['28249', 'Phường', 'Mỹ Tho'],
    ['29869', 'Phường', 'Cao Lãnh'],
    ['29896', 'Phường', 'Sa Đéc'],
  ],
  '86': [
    ['29590', 'Phường', 'Thanh Đức'],
    ['28756', 'Phường', 'Bến Tre'],
    ['29239', 'Phường', 'Trà Vinh'],
  ],
  '91': [
    ['30280', 'Phường', 'Long Xuyên'],
    ['30316', 'Phường', 'Châu Đốc'],
    ['30757', 'Phường', 'Rạch Giá'],
  ],
  '92': [
    ['31117', 'Phường', 'Ninh Kiều'],
    ['31150', 'Phường', 'Cái Khế'],
    ['31507', 'Phường', 'Sóc Trăng'],
  ],
  '96': [
    ['32002', 'Phường', 'An Xuyên'],
    ['32014', 'Phường', 'Lý Văn Lâm'],
    ['31825', 'Phường', 'Bạc Liêu'],
  ],
}

/** Pre-reform communes that map sheets and older records still name: [code, province, kind, name, successors] */
const legacyCommunes: Array<[string, string, string, string, string[]]> = [
  ['00094', '01', 'Phường', 'Chương Dương', ['00097']],
  ['00073', '01', 'Phường', 'Phúc Tân', ['00097']],
  ['00097', '01', 'Phường', 'Phúc Xá (cũ)', ['00097', '00004']],
  ['00076', '01', 'Phường', 'Hàng Bạc', ['00070']],
  ['00229', '01', 'Phường', 'Văn Miếu', ['00226']],
  ['26737', '79', 'Phường', 'Đa Kao', ['26740']],
  ['26752', '79', 'Phường', 'Phạm Ngũ Lão', ['26743']],
  ['25744', '74', 'Phường', 'Phú Cường', ['25747']],
]

function build(): AdminUnitRecord[] {
  const units: AdminUnitRecord[] = []
  for (const [code, kind, name, mergedIn] of provinces) {
    units.push({ code, level: 'PROVINCE', kind, name, parentCode: null, validFrom: REFORM_DATE, validTo: null, successorCodes: [], legalBasis: PROVINCE_BASIS })
    const before = mergedIn.length > 0 ? mergedIn : [[code, name] as [string, string]]
    for (const [legacyCode, legacyName] of before) {
      const legacyKind = CENTRAL_CITIES.has(legacyCode) ? 'Thành phố' : 'Tỉnh'
      units.push({
        code: legacyCode,
        level: 'PROVINCE',
        kind: legacyKind,
        name: legacyName,
        parentCode: null,
        validFrom: EPOCH,
        validTo: BEFORE_REFORM,
        successorCodes: [code],
        legalBasis: null,
      })
    }
  }
  for (const [provinceCode, list] of Object.entries(communes)) {
    for (const [code, kind, name] of list) {
      units.push({
        code,
        level: 'COMMUNE',
        kind,
        name,
        parentCode: provinceCode,
        validFrom: REFORM_DATE,
        validTo: null,
        successorCodes: [],
        legalBasis: COMMUNE_BASIS,
      })
    }
  }
  for (const [code, provinceCode, kind, name, successorCodes] of legacyCommunes) {
    units.push({ code, level: 'COMMUNE', kind, name, parentCode: provinceCode, validFrom: EPOCH, validTo: BEFORE_REFORM, successorCodes, legalBasis: null })
  }
  return units
}

/** Every unit version, current and legacy. */
export const adminUnits: readonly AdminUnitRecord[] = Object.freeze(build())

/** Current (post-reform) communes per province, for sandbox data generation. */
export const currentCommunesByProvince: Readonly<Record<string, readonly string[]>> = Object.freeze(
  Object.fromEntries(Object.entries(communes).map(([p, list]) => [p, list.map(([code]) => code)])),
)

/** Pre-reform communes with the current commune that succeeded them first. */
export const legacyCommuneSuccessor: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(legacyCommunes.map(([code, , , , successors]) => [code, successors[0] as string])),
)
