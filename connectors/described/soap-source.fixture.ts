/**
 * A synthetic civil status service (hộ tịch) described by its WSDL, and the mapping that connects
 * it: shared by the engine's SOAP tests and the CLI's. Synthetic people only (province 099).
 */
export const NS = 'http://hotich.example.gov.vn/'

export const WSDL = `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
  xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:tns="${NS}" targetNamespace="${NS}">
  <wsdl:documentation>Cơ sở dữ liệu hộ tịch - tra cứu khai sinh (synthetic)</wsdl:documentation>
  <wsdl:types>
    <s:schema elementFormDefault="qualified" targetNamespace="${NS}">
      <s:complexType name="KhaiSinh">
        <s:sequence>
          <s:element minOccurs="1" maxOccurs="1" name="SoDinhDanh" type="s:string"/>
          <s:element minOccurs="1" maxOccurs="1" name="HoTen" type="s:string"/>
          <s:element minOccurs="1" maxOccurs="1" name="NgaySinh" type="s:string"/>
          <s:element minOccurs="1" maxOccurs="1" name="GioiTinh" type="tns:GioiTinh"/>
          <s:element minOccurs="0" maxOccurs="1" name="MaXaDangKy" type="s:string"/>
        </s:sequence>
      </s:complexType>
      <s:simpleType name="GioiTinh"><s:restriction base="s:string"><s:enumeration value="1"/><s:enumeration value="2"/></s:restriction></s:simpleType>
      <s:element name="TraCuuKhaiSinh"><s:complexType><s:sequence>
        <s:element minOccurs="1" maxOccurs="1" name="SoDinhDanh" type="s:string"/>
      </s:sequence></s:complexType></s:element>
      <s:element name="TraCuuKhaiSinhResponse"><s:complexType><s:sequence>
        <s:element minOccurs="0" maxOccurs="1" name="TraCuuKhaiSinhResult"><s:complexType><s:sequence>
          <s:element minOccurs="0" maxOccurs="1" name="KhaiSinh" type="tns:KhaiSinh"/>
        </s:sequence></s:complexType></s:element>
      </s:sequence></s:complexType></s:element>
      <s:element name="KiemTraKetNoi"><s:complexType><s:sequence/></s:complexType></s:element>
      <s:element name="KiemTraKetNoiResponse"><s:complexType><s:sequence>
        <s:element minOccurs="1" maxOccurs="1" name="TrangThai" type="s:string"/>
      </s:sequence></s:complexType></s:element>
    </s:schema>
  </wsdl:types>
  <wsdl:message name="TraCuuKhaiSinhSoapIn"><wsdl:part name="parameters" element="tns:TraCuuKhaiSinh"/></wsdl:message>
  <wsdl:message name="TraCuuKhaiSinhSoapOut"><wsdl:part name="parameters" element="tns:TraCuuKhaiSinhResponse"/></wsdl:message>
  <wsdl:message name="KiemTraKetNoiSoapIn"><wsdl:part name="parameters" element="tns:KiemTraKetNoi"/></wsdl:message>
  <wsdl:message name="KiemTraKetNoiSoapOut"><wsdl:part name="parameters" element="tns:KiemTraKetNoiResponse"/></wsdl:message>
  <wsdl:portType name="HoTichSoap">
    <wsdl:operation name="TraCuuKhaiSinh"><wsdl:input message="tns:TraCuuKhaiSinhSoapIn"/><wsdl:output message="tns:TraCuuKhaiSinhSoapOut"/></wsdl:operation>
    <wsdl:operation name="KiemTraKetNoi"><wsdl:input message="tns:KiemTraKetNoiSoapIn"/><wsdl:output message="tns:KiemTraKetNoiSoapOut"/></wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="HoTichSoap" type="tns:HoTichSoap">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="TraCuuKhaiSinh"><soap:operation soapAction="${NS}TraCuuKhaiSinh" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>
    <wsdl:operation name="KiemTraKetNoi"><soap:operation soapAction="${NS}KiemTraKetNoi" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="HoTich"><wsdl:port name="HoTichSoap" binding="tns:HoTichSoap"><soap:address location="http://127.0.0.1:1/ws/HoTich.asmx"/></wsdl:port></wsdl:service>
</wsdl:definitions>`

export const MAPPING = `connector: ho-tich
registry: Cơ sở dữ liệu hộ tịch (civil status)
description: service.wsdl
auth: { kind: none }
health: { operation: KiemTraKetNoi }
types:
  BirthRecord:
    description: Bản ghi khai sinh / A birth record
    fields:
      pin: { type: PIN!, from: SoDinhDanh, text: [trim] }
      name: { type: String!, from: HoTen, text: [collapseSpaces, titleCase] }
      birthDate: { type: PartialDate!, from: NgaySinh, date: dd/MM/yyyy|MM/yyyy|yyyy }
      sex: { type: Sex!, from: GioiTinh, codes: { '1': MALE, '2': FEMALE } }
      communeCode: { type: AdminCode, from: MaXaDangKy, zeroPad: 5 }
query:
  birthRecord:
    type: BirthRecord
    arguments: { pin: { type: PIN!, to: SoDinhDanh } }
    operation: TraCuuKhaiSinh
    result: TraCuuKhaiSinhResult.KhaiSinh
    key: SoDinhDanh
`

/** The same service behind an account in a SOAP header (ThongTinYeuCau), as the land registry's. */
export const WSDL_WITH_ACCOUNT = WSDL.replace(
  '<s:element name="KiemTraKetNoi">',
  '<s:element name="ThongTinYeuCau"><s:complexType><s:sequence>' +
    '<s:element minOccurs="0" maxOccurs="1" name="MaYeuCau" type="s:string"/><s:element minOccurs="0" maxOccurs="1" name="TenDangNhap" type="s:string"/>' +
    '<s:element minOccurs="0" maxOccurs="1" name="MatKhau" type="s:string"/></s:sequence></s:complexType></s:element><s:element name="KiemTraKetNoi">',
)
  .replace(
    '<wsdl:portType',
    '<wsdl:message name="ThongTinYeuCauHeader"><wsdl:part name="ThongTinYeuCau" element="tns:ThongTinYeuCau"/></wsdl:message><wsdl:portType',
  )
  .replaceAll(
    '<wsdl:input><soap:body use="literal"/></wsdl:input>',
    '<wsdl:input><soap:body use="literal"/><soap:header message="tns:ThongTinYeuCauHeader" part="ThongTinYeuCau" use="literal"/></wsdl:input>',
  )
export const MAPPING_WITH_ACCOUNT = MAPPING.replace(
  'auth: { kind: none }',
  'auth: { kind: soapHeader, header: ThongTinYeuCau, username: TenDangNhap, password: MatKhau, requestId: MaYeuCau }',
)
export const ACCOUNT = { username: 'gateway-lgsp', password: 'a-password-of-some-length' }
