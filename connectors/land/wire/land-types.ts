/**
 * Land-type codes of TT 08/2024/TT-BTNMT, Appendix II section A, with the
 * canonical names the gateway serves. The registry also sends a name (`Ten`), but records exported
 * before 2024 carry old codes and old names, so the name always comes from this table.
 */
export const landTypeNames: Readonly<Record<string, string>> = Object.freeze({
  // Agricultural
  LUC: 'Đất chuyên trồng lúa',
  LUK: 'Đất trồng lúa còn lại',
  HNK: 'Đất trồng cây hằng năm khác',
  CLN: 'Đất trồng cây lâu năm',
  RDD: 'Đất rừng đặc dụng',
  RPH: 'Đất rừng phòng hộ',
  RSX: 'Đất rừng sản xuất',
  NTS: 'Đất nuôi trồng thủy sản',
  CNT: 'Đất chăn nuôi tập trung',
  LMU: 'Đất làm muối',
  NKH: 'Đất nông nghiệp khác',
  // Residential
  ONT: 'Đất ở tại nông thôn',
  ODT: 'Đất ở tại đô thị',
  // Public bodies, defence and security
  TSC: 'Đất xây dựng trụ sở cơ quan',
  CQP: 'Đất quốc phòng',
  CAN: 'Đất an ninh',
  // Public-service buildings
  DVH: 'Đất xây dựng cơ sở văn hóa',
  DYT: 'Đất xây dựng cơ sở y tế',
  DGD: 'Đất xây dựng cơ sở giáo dục và đào tạo',
  DTT: 'Đất xây dựng cơ sở thể dục, thể thao',
  DKH: 'Đất xây dựng cơ sở khoa học và công nghệ',
  DSK: 'Đất xây dựng cơ sở dịch vụ xã hội',
  DSO: 'Đất xây dựng công trình sự nghiệp khác',
  // Business
  CSK: 'Đất khu công nghiệp, cụm công nghiệp',
  TMD: 'Đất thương mại, dịch vụ',
  SKC: 'Đất cơ sở sản xuất phi nông nghiệp',
  SKS: 'Đất sử dụng cho hoạt động khoáng sản',
  SKN: 'Đất sản xuất vật liệu xây dựng, làm đồ gốm',
  // Public use
  DGT: 'Đất công trình giao thông',
  DTL: 'Đất công trình thủy lợi',
  DDT: 'Đất có di tích lịch sử - văn hóa, danh lam thắng cảnh',
  DRA: 'Đất công trình xử lý chất thải',
  DCK: 'Đất công trình công cộng khác',
  DPC: 'Đất sinh hoạt cộng đồng',
  DSH: 'Đất khu vui chơi, giải trí công cộng',
  DNL: 'Đất công trình năng lượng, chiếu sáng công cộng',
  DNG: 'Đất công trình có hành lang bảo vệ an toàn',
  NTD: 'Đất nghĩa trang, nhà tang lễ, cơ sở hỏa táng',
  // Religion and other
  TON: 'Đất tôn giáo',
  TIN: 'Đất tín ngưỡng',
  SON: 'Đất sông, ngòi, kênh, rạch, suối',
  MNC: 'Đất có mặt nước chuyên dùng',
  PNK: 'Đất phi nông nghiệp khác',
  // Unused
  BCS: 'Đất bằng chưa sử dụng',
  DCS: 'Đất đồi núi chưa sử dụng',
  NCS: 'Núi đá không có rừng cây',
})

/**
 * Pre-2024 codes still found in older registry records, with their TT 08/2024 successor:
 * BHK (bằng trồng cây hằng năm khác) and NHK (nương rẫy) merged into HNK; LUA became LUC.
 */
export const legacyLandTypes: Readonly<Record<string, string>> = Object.freeze({
  BHK: 'HNK',
  NHK: 'HNK',
  LUA: 'LUC',
})

/** The TT 08/2024 code for a registry code, or `null` when the code is not known. */
export function normaliseLandType(code: string): string | null {
  const current = legacyLandTypes[code] ?? code
  return Object.hasOwn(landTypeNames, current) ? current : null
}
