import { LAND_NS, LAND_OPERATIONS, type LandOperation } from './soap.js'

/**
 * The WSDL 1.1 of the sandbox `DatDai.asmx` (document/literal, SOAP 1.1, the .asmx layout): the
 * four operations, their request and response elements, the `ThuaDat` type and the
 * `ThongTinYeuCau` header. Served at `GET /ws/DatDai.asmx?wsdl`.
 */

const str = (name: string, min = 1) => `<s:element minOccurs="${min}" maxOccurs="1" name="${name}" type="s:string"/>`
const int = (name: string, min = 1) => `<s:element minOccurs="${min}" maxOccurs="1" name="${name}" type="s:int"/>`
const dec = (name: string) => `<s:element minOccurs="1" maxOccurs="1" name="${name}" type="s:decimal"/>`
const many = (name: string, type: string) => `<s:element minOccurs="0" maxOccurs="unbounded" name="${name}" type="tns:${type}"/>`
const one = (name: string, type: string, min = 1) => `<s:element minOccurs="${min}" maxOccurs="1" name="${name}" type="tns:${type}"/>`
const complexType = (name: string, ...fields: string[]) => `<s:complexType name="${name}"><s:sequence>${fields.join('')}</s:sequence></s:complexType>`
const wrapper = (name: string, ...fields: string[]) =>
  `<s:element name="${name}"><s:complexType><s:sequence>${fields.join('')}</s:sequence></s:complexType></s:element>`

const types = [
  complexType('ThongTinYeuCau', str('MaYeuCau', 0), str('TenDangNhap', 0), str('MatKhau', 0)),
  complexType('MucDichSuDung', str('Ma'), str('Ten', 0), dec('DienTich'), str('ThoiHan')),
  complexType('DiaChi', str('MaTinh'), str('MaXa'), str('ChiTiet', 0)),
  complexType('ChuSuDung', one('LoaiChu', 'LoaiChu'), str('SoGiayTo'), str('HoTen', 0), str('TenToChuc', 0), str('VaiTro'), str('TyLe', 0)),
  complexType('GiayChungNhan', str('SoPhatHanh'), str('SoVaoSo', 0), str('CoQuanCap'), str('NgayCap'), str('TrangThai')),
  complexType('BienPhapBaoDam', str('Loai'), str('NgayDangKy'), str('NgayXoa', 0), str('BenNhan', 0), str('GhiChu', 0)),
  complexType(
    'ThuaDat',
    str('MaThuaDat'),
    str('MaXa'),
    int('SoToBanDo'),
    int('SoThua'),
    dec('DienTich'),
    many('MucDichSuDung', 'MucDichSuDung'),
    str('NguonGoc', 0),
    str('HinhThucSuDung', 0),
    one('DiaChi', 'DiaChi', 0),
    many('ChuSuDung', 'ChuSuDung'),
    many('GiayChungNhan', 'GiayChungNhan'),
    many('BienPhapBaoDam', 'BienPhapBaoDam'),
  ),
  complexType('DanhSachThuaDat', many('ThuaDat', 'ThuaDat')),
  complexType('DanhSachChuSuDung', `<s:element minOccurs="1" maxOccurs="100" name="ChuSuDung" type="tns:ChuSuDungYeuCau"/>`),
  complexType('ChuSuDungYeuCau', one('LoaiChu', 'LoaiChu'), str('SoGiayTo')),
  complexType('KetQuaChuSuDung', one('LoaiChu', 'LoaiChu'), str('SoGiayTo'), one('DanhSachThuaDat', 'DanhSachThuaDat')),
  `<s:simpleType name="LoaiChu"><s:restriction base="s:string"><s:enumeration value="CA_NHAN"/><s:enumeration value="TO_CHUC"/></s:restriction></s:simpleType>`,
  `<s:element name="ThongTinYeuCau" type="tns:ThongTinYeuCau"/>`,
  wrapper('TraCuuThuaDat', str('MaThuaDat')),
  wrapper(
    'TraCuuThuaDatResponse',
    `<s:element minOccurs="0" maxOccurs="1" name="TraCuuThuaDatResult"><s:complexType><s:sequence>${one('ThuaDat', 'ThuaDat', 0)}</s:sequence></s:complexType></s:element>`,
  ),
  wrapper('TraCuuThuaDatTheoChuSuDung', one('DanhSachChuSuDung', 'DanhSachChuSuDung')),
  wrapper(
    'TraCuuThuaDatTheoChuSuDungResponse',
    `<s:element minOccurs="0" maxOccurs="1" name="TraCuuThuaDatTheoChuSuDungResult"><s:complexType><s:sequence>${many('KetQuaChuSuDung', 'KetQuaChuSuDung')}</s:sequence></s:complexType></s:element>`,
  ),
  wrapper('TraCuuThuaDatTheoXa', str('MaXa'), int('ViTri', 0), int('SoLuong', 0)),
  wrapper(
    'TraCuuThuaDatTheoXaResponse',
    `<s:element minOccurs="0" maxOccurs="1" name="TraCuuThuaDatTheoXaResult"><s:complexType><s:sequence>${int('TongSo')}${int('ViTri')}${one('DanhSachThuaDat', 'DanhSachThuaDat')}</s:sequence></s:complexType></s:element>`,
  ),
  wrapper('KiemTraKetNoi'),
  wrapper(
    'KiemTraKetNoiResponse',
    `<s:element minOccurs="0" maxOccurs="1" name="KiemTraKetNoiResult"><s:complexType><s:sequence>${str('TrangThai')}${str('PhienBan', 0)}${str('ThoiGian', 0)}</s:sequence></s:complexType></s:element>`,
  ),
].join('')

const messages = (op: LandOperation) =>
  `<wsdl:message name="${op}SoapIn"><wsdl:part name="parameters" element="tns:${op}"/></wsdl:message>` +
  `<wsdl:message name="${op}SoapOut"><wsdl:part name="parameters" element="tns:${op}Response"/></wsdl:message>`

const portOperation = (op: LandOperation) =>
  `<wsdl:operation name="${op}"><wsdl:input message="tns:${op}SoapIn"/><wsdl:output message="tns:${op}SoapOut"/></wsdl:operation>`

const bindingOperation = (op: LandOperation) =>
  `<wsdl:operation name="${op}"><soap:operation soapAction="${LAND_NS}${op}" style="document"/>` +
  `<wsdl:input><soap:body use="literal"/><soap:header message="tns:ThongTinYeuCauHeader" part="ThongTinYeuCau" use="literal"/></wsdl:input>` +
  `<wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>`

const escapeAttribute = (value: string) => value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;')

/** The WSDL document, with `location` as the service address. */
export function landWsdl(location: string): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" ` +
    `xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:tns="${LAND_NS}" targetNamespace="${LAND_NS}">` +
    `<wsdl:documentation>Cơ sở dữ liệu đất đai - tra cứu thửa đất (sandbox)</wsdl:documentation>` +
    `<wsdl:types><s:schema elementFormDefault="qualified" targetNamespace="${LAND_NS}">${types}</s:schema></wsdl:types>` +
    LAND_OPERATIONS.map(messages).join('') +
    `<wsdl:message name="ThongTinYeuCauHeader"><wsdl:part name="ThongTinYeuCau" element="tns:ThongTinYeuCau"/></wsdl:message>` +
    `<wsdl:portType name="DatDaiSoap">${LAND_OPERATIONS.map(portOperation).join('')}</wsdl:portType>` +
    `<wsdl:binding name="DatDaiSoap" type="tns:DatDaiSoap"><soap:binding transport="http://schemas.xmlsoap.org/soap/http"/>` +
    `${LAND_OPERATIONS.map(bindingOperation).join('')}</wsdl:binding>` +
    `<wsdl:service name="DatDai"><wsdl:port name="DatDaiSoap" binding="tns:DatDaiSoap">` +
    `<soap:address location="${escapeAttribute(location)}"/></wsdl:port></wsdl:service>` +
    `</wsdl:definitions>`
  )
}
