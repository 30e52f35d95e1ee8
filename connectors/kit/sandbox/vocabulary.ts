/**
 * Word lists for synthetic sandbox data. Names are composed family + middle + given, the
 * Vietnamese order. Code lists follow the official ones (land types of TT 08/2024, enterprise types and
 * statuses, VSIC level-4 samples).
 */

export const familyNames = [
  'Nguyễn',
  'Nguyễn',
  'Nguyễn',
  'Nguyễn',
  'Trần',
  'Trần',
  'Lê',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
  'Đinh',
  'Trịnh',
  'Mai',
]
export const middleNames = {
  MALE: ['Văn', 'Đức', 'Minh', 'Quang', 'Hữu', 'Thành', 'Công', 'Xuân', 'Tiến', 'Gia'],
  FEMALE: ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh', 'Phương', 'Hồng', 'Kim', 'Bảo', 'Diệu'],
} as const
export const givenNames = {
  MALE: [
    'An',
    'Bình',
    'Cường',
    'Dũng',
    'Hải',
    'Hùng',
    'Khoa',
    'Long',
    'Minh',
    'Nam',
    'Phong',
    'Quân',
    'Sơn',
    'Thắng',
    'Tuấn',
    'Việt',
    'Khang',
    'Phúc',
    'Trung',
    'Đạt',
  ],
  FEMALE: [
    'Anh',
    'Chi',
    'Dung',
    'Giang',
    'Hà',
    'Hạnh',
    'Hoa',
    'Hương',
    'Lan',
    'Linh',
    'Mai',
    'Ngọc',
    'Phương',
    'Thảo',
    'Trang',
    'Vy',
    'Yến',
    'Nhung',
    'Quỳnh',
    'Tâm',
  ],
} as const

/** 63-era 3-digit birth-registration codes used as PIN prefixes. */
export const pinProvincePrefixes = [
  '001',
  '001',
  '001',
  '079',
  '079',
  '074',
  '077',
  '031',
  '030',
  '024',
  '027',
  '025',
  '026',
  '036',
  '038',
  '040',
  '042',
  '044',
  '046',
  '048',
  '049',
  '052',
  '056',
  '064',
  '066',
  '068',
  '075',
  '086',
  '089',
  '092',
  '096',
]

export const ethnicities: Array<[string, string]> = [
  ['01', 'Kinh'],
  ['01', 'Kinh'],
  ['01', 'Kinh'],
  ['01', 'Kinh'],
  ['01', 'Kinh'],
  ['01', 'Kinh'],
  ['02', 'Tày'],
  ['03', 'Thái'],
  ['04', 'Hoa'],
  ['05', 'Khơ-me'],
  ['06', 'Mường'],
  ['07', 'Nùng'],
]
export const religions: Array<[string, string]> = [
  ['00', 'Không'],
  ['00', 'Không'],
  ['00', 'Không'],
  ['00', 'Không'],
  ['01', 'Phật giáo'],
  ['02', 'Công giáo'],
  ['03', 'Tin lành'],
  ['04', 'Cao đài'],
]
export const hometowns = ['Nam Định', 'Thanh Hóa', 'Nghệ An', 'Hà Tĩnh', 'Thái Bình', 'Hà Nội', 'Hải Dương', 'Quảng Nam', 'Bình Định', 'Huế']
export const bloodTypes = ['O', 'A', 'B', 'AB']
export const streets = [
  'Mẫu',
  'Hàng Bạc',
  'Lê Lợi',
  'Trần Phú',
  'Nguyễn Trãi',
  'Quang Trung',
  'Hai Bà Trưng',
  'Lý Thường Kiệt',
  'Điện Biên Phủ',
  'Phan Chu Trinh',
  'Nguyễn Huệ',
  'Võ Thị Sáu',
]

/** TT 08/2024/TT-BTNMT land-type codes used by the land sandbox. */
export const landTypes: Array<[string, string]> = [
  ['ODT', 'Đất ở tại đô thị'],
  ['ONT', 'Đất ở tại nông thôn'],
  ['LUC', 'Đất chuyên trồng lúa'],
  ['LUK', 'Đất trồng lúa còn lại'],
  ['HNK', 'Đất trồng cây hằng năm khác'],
  ['CLN', 'Đất trồng cây lâu năm'],
  ['NTS', 'Đất nuôi trồng thủy sản'],
  ['TMD', 'Đất thương mại, dịch vụ'],
  ['SKC', 'Đất cơ sở sản xuất phi nông nghiệp'],
  ['RSX', 'Đất rừng sản xuất'],
]
export const landOrigins = [
  'Nhà nước giao đất có thu tiền sử dụng đất',
  'Nhà nước giao đất không thu tiền sử dụng đất',
  'Công nhận quyền sử dụng đất',
  'Nhận chuyển nhượng quyền sử dụng đất',
  'Nhận thừa kế quyền sử dụng đất',
  'Nhà nước cho thuê đất trả tiền hằng năm',
]
export const banks = [
  'Ngân hàng TMCP Ngoại thương Việt Nam',
  'Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam',
  'Ngân hàng TMCP Công thương Việt Nam',
  'Ngân hàng TMCP Đầu tư và Phát triển Việt Nam',
]

/** [type id, name, name prefix] — Enterprise Law 59/2020 forms. */
export const enterpriseTypes: Array<[number, string, string]> = [
  [1, 'Công ty trách nhiệm hữu hạn một thành viên', 'CÔNG TY TNHH'],
  [2, 'Công ty trách nhiệm hữu hạn hai thành viên trở lên', 'CÔNG TY TNHH'],
  [3, 'Công ty cổ phần', 'CÔNG TY CỔ PHẦN'],
  [4, 'Công ty hợp danh', 'CÔNG TY HỢP DANH'],
  [5, 'Doanh nghiệp tư nhân', 'DOANH NGHIỆP TƯ NHÂN'],
]
export const enterpriseStatuses: Array<[string, string, number]> = [
  ['ACTIVE', 'Đang hoạt động', 85],
  ['SUSPENDED', 'Tạm ngừng kinh doanh', 5],
  ['DISSOLVING', 'Đang làm thủ tục giải thể', 2],
  ['DISSOLVED', 'Đã giải thể', 4],
  ['NOT_AT_ADDRESS', 'Không hoạt động tại địa chỉ đã đăng ký', 2],
  ['REVOKED', 'Bị thu hồi Giấy chứng nhận đăng ký doanh nghiệp', 1],
  ['BANKRUPTCY', 'Đang làm thủ tục phá sản', 1],
]
export const businessWords = ['THƯƠNG MẠI', 'DỊCH VỤ', 'XÂY DỰNG', 'CÔNG NGHỆ', 'VẬN TẢI', 'SẢN XUẤT', 'ĐẦU TƯ', 'NÔNG SẢN', 'THỰC PHẨM', 'DU LỊCH']
export const brandWords = [
  'AN KHANG',
  'MINH PHÁT',
  'HƯNG THỊNH',
  'THÀNH CÔNG',
  'PHÚ QUÝ',
  'ĐẠI VIỆT',
  'SAO MAI',
  'HOÀNG GIA',
  'TÂN TIẾN',
  'BẢO NGỌC',
  'VIỆT ÚC',
  'HÒA BÌNH',
  'PHƯƠNG NAM',
  'KIM LONG',
]
/** VSIC level-4 codes: [code, name, version]. */
export const vsicLines: Array<[string, string, 'V2018' | 'V2025']> = [
  ['4669', 'Bán buôn chuyên doanh khác chưa được phân vào đâu', 'V2018'],
  ['4679', 'Bán buôn chuyên doanh khác chưa được phân vào đâu', 'V2025'],
  ['6201', 'Lập trình máy vi tính', 'V2018'],
  ['6211', 'Lập trình máy vi tính', 'V2025'],
  ['4100', 'Xây dựng nhà các loại', 'V2018'],
  ['4933', 'Vận tải hàng hóa bằng đường bộ', 'V2018'],
  ['5610', 'Nhà hàng và các dịch vụ ăn uống phục vụ lưu động', 'V2018'],
  ['1079', 'Sản xuất thực phẩm khác chưa được phân vào đâu', 'V2018'],
  ['4711', 'Bán lẻ lương thực, thực phẩm, đồ uống, thuốc lá, thuốc lào chiếm tỷ trọng lớn trong các cửa hàng kinh doanh tổng hợp', 'V2018'],
  ['7911', 'Đại lý du lịch', 'V2018'],
  ['6810', 'Kinh doanh bất động sản, quyền sử dụng đất thuộc chủ sở hữu, chủ sử dụng hoặc đi thuê', 'V2018'],
  ['0118', 'Trồng rau, đậu các loại và trồng hoa', 'V2018'],
]
export const representativeTitles = ['Giám đốc', 'Tổng giám đốc', 'Chủ tịch Hội đồng thành viên', 'Chủ tịch Hội đồng quản trị', 'Chủ doanh nghiệp']
/** Tax-system province prefixes of enterprise codes (not GSO codes): Hà Nội 01, TP.HCM 03, Đà Nẵng 04 … */
export const taxProvincePrefixes: Array<[string, string]> = [
  ['01', '01'],
  ['01', '01'],
  ['01', '01'],
  ['03', '79'],
  ['03', '79'],
  ['04', '48'],
  ['02', '31'],
  ['28', '38'],
  ['29', '40'],
  ['37', '75'],
  ['42', '56'],
  ['18', '37'],
]
