/**
 * The bench mix as the peer is asked it: the same entries (same subjects, same order, same
 * agency and headers, which the peer ignores), each query rewritten to the names Mesh exposes,
 * which are the registries' own. Each peer query selects what the matching query of ours selects
 * and nothing more, so both targets fetch the same records and answer the same facts.
 */
import { QUERIES, type MixEntry } from '../bench/scenarios.js'

export type QueryKey = keyof typeof QUERIES

export const PEER_QUERIES: Record<QueryKey, string> = {
  taxEnterprise: `query TaxEnterprise($code: String!) { chiTietDoanhNghiep(msdn: $code) { Data { MainInformation { ENTERPRISE_GDT_CODE NAME ENTERPRISE_STATUS } HOAdress { CityID } LegalRepresentative { FULL_NAME POSITION ID_NUMBER } } } }`,
  // Mesh puts a SOAP operation without a read prefix (get, find, …) under Mutation.
  landParcel: `mutation LandParcel($key: String!) { tns_DatDai_DatDaiSoap_TraCuuThuaDat(TraCuuThuaDat: { MaThuaDat: $key }) { TraCuuThuaDatResult { ThuaDat { MaThuaDat DienTich MucDichSuDung { Ma } GiayChungNhan { SoPhatHanh TrangThai } ChuSuDung { LoaiChu HoTen TenToChuc SoGiayTo } } } } }`,
  verifyCitizen: `query VerifyApplicant($input: xacThucCongDan_request_Input!) { xacThucCongDan(input: $input) { KetQua { TonTai KhopThongTin } } }`,
  // `queryInput_congDan_soDinhDanh` is the scalar Mesh makes of the path parameter's pattern.
  wardResident: `query Resident($pin: queryInput_congDan_soDinhDanh!) { congDan(soDinhDanh: $pin) { CongDan { SoDinhDanh HoVaTen { Ho ChuDem Ten } NgayThangNamSinh ThuongTru { MaXa commune { code fullName } } } } }`,
  connectivity: `query Connectivity { administrativeUnit(code: "00097") { code fullName } }`,
}

const keyByQuery = new Map<string, QueryKey>(Object.entries(QUERIES).map(([key, query]) => [query, key as QueryKey]))

/** Which query of the mix an entry sends; throws for a query this file does not know yet. */
export function queryKeyOf(entry: MixEntry): QueryKey {
  const { query } = JSON.parse(entry.body) as { query: string }
  const key = keyByQuery.get(query)
  if (!key) throw new Error(`peer: no peer query for mix entry "${entry.name}"; add it to load-tests/peer/queries.ts`)
  return key
}

type Variables = Record<string, string>

/** Our variables → the peer's: the registry wants yyyyMMdd and its own field names. */
const peerVariables: Record<QueryKey, (v: Variables) => Variables | Record<string, Variables> | undefined> = {
  taxEnterprise: (v) => ({ code: v.code! }),
  landParcel: (v) => ({ key: v.key! }),
  verifyCitizen: (v) => ({ input: { SoDinhDanh: v.pin!, HoVaTen: v.name!, NgayThangNamSinh: v.birthDate!.replaceAll('-', '') } }),
  wardResident: (v) => ({ pin: v.pin! }),
  connectivity: () => undefined,
}

export function peerMix(mix: MixEntry[]): MixEntry[] {
  return mix.map((entry) => {
    const key = queryKeyOf(entry)
    const { variables } = JSON.parse(entry.body) as { variables?: Variables }
    const mapped = peerVariables[key](variables ?? {})
    return { ...entry, body: JSON.stringify(mapped ? { query: PEER_QUERIES[key], variables: mapped } : { query: PEER_QUERIES[key] }) }
  })
}
