/**
 * The wires of the systems the gateway delivers to. Each vendor names things its own way; the
 * gateway's message (message.ts) is written out in that vendor's names and status vocabulary, and
 * its answer read by its rules. Runtime-neutral.
 */
import { XMLBuilder } from 'fast-xml-parser'
import { isPin, portalTime, type PartnerWire, type PushOutcome, type StatusName, type WireName } from './message.js'

const json = (value: unknown) => JSON.stringify(value)

function parsed(body: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(body) as unknown
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

const blobPath = (sha256: string) => `/v1/blobs/${sha256}`

/** The gateway's own JSON: for systems built against the gateway's contract. A 2xx acknowledges. */
const canonical: PartnerWire = {
  name: 'canonical',
  contentType: 'application/json',
  encode: json,
  acknowledged: () => ({ ok: true }),
}

/** iGate-style one-stop desk (VNPT): Vietnamese field names, ISO times, `error_code` "0" for success. */
const igate: PartnerWire = {
  name: 'igate',
  contentType: 'application/json',
  path: () => '/api/lienthong/hoso',
  encode: (m) =>
    json({
      MaThongDiep: m.messageId,
      MaHoSo: m.dossier,
      MaTTHC: m.procedure,
      BuocXuLy: m.seq,
      HanhDong: m.step,
      TrangThaiHoSo: m.status,
      DonViGui: m.agency,
      CanBoXuLy: m.officer,
      NoiDungXuLy: m.note,
      ThoiGian: m.at,
      DonViDangGiu: m.holder,
      DonViTiepNhan: m.receivingAgency,
      DonViXuLy: m.handlingAgency,
      KenhThucHien: m.channel,
      ChuHoSo: isPin(m.applicant) ? { SoDinhDanh: m.applicant } : { MaSoThue: m.applicant },
      MaXa: m.commune,
      NgayTiepNhan: m.receivedAt,
      NgayHenTra: m.dueAt,
      NgayKetThuc: m.finishedAt,
      PhienBan: m.version,
      ThanhPhanHoSo: m.parts.map((part) => ({
        TenGiayTo: part.name,
        LoaiBan: part.copyType,
        DinhDang: part.mediaType,
        KichThuoc: part.size,
        HashTepTin: part.sha256,
        DuongDan: blobPath(part.sha256),
        ...(part.signature
          ? {
              ChuKySo: {
                TrangThai: part.signature.status,
                NguoiKy: part.signature.signer,
                ThoiGianKy: part.signature.signedAt,
                ...(part.signature.detachedSha256 ? { DuongDanChuKy: blobPath(part.signature.detachedSha256) } : {}),
              },
            }
          : {}),
      })),
    }),
  acknowledged(body): PushOutcome {
    const answer = parsed(body)
    if (answer?.error_code === '0' || answer?.error_code === 0) return { ok: true }
    const message = typeof answer?.message === 'string' ? answer.message : 'no error_code in the answer'
    return { ok: false, error: `iGate error_code ${String(answer?.error_code ?? '?')}: ${message}`, permanent: answer !== null }
  },
}

/** OpenCPS' own status vocabulary (dossierStatus). */
export const OPENCPS_STATUS: Readonly<Record<StatusName, string>> = {
  NEW: 'new',
  ACCEPTED: 'receiving',
  REJECTED: 'denied',
  PROCESSING: 'processing',
  SUPPLEMENT_REQUESTED: 'waiting',
  FEES_DUE: 'paying',
  WITHDRAWN: 'cancelled',
  STOPPED: 'ended',
  PROCESSED: 'done',
  RESULT_RETURNED: 'released',
}

const epochMs = (iso: string | null) => (iso === null ? null : new Date(iso).getTime())

/** OpenCPS-style department system: English camelCase names, epoch-millisecond dates, `status: SUCCESS`. */
const opencps: PartnerWire = {
  name: 'opencps',
  contentType: 'application/json',
  path: () => '/o/rest/v2/dossiers/sync',
  encode: (m) =>
    json({
      referenceUid: m.messageId,
      dossierNo: m.dossier,
      serviceCode: m.procedure,
      stepNo: m.seq,
      actionCode: m.step,
      dossierStatus: OPENCPS_STATUS[m.statusName],
      govAgencyCode: m.holder,
      senderAgencyCode: m.agency,
      actionUser: m.officer,
      actionNote: m.note,
      actionDate: epochMs(m.at),
      applicantIdType: isPin(m.applicant) ? 'citizen' : 'business',
      applicantIdNo: m.applicant,
      cityCode: null,
      wardCode: m.commune,
      viaPostal: m.channel === 3,
      online: m.channel === 2,
      submitDate: epochMs(m.receivedAt),
      dueDate: epochMs(m.dueAt),
      finishDate: epochMs(m.finishedAt),
      version: m.version,
      dossierFiles: m.parts.map((part) => ({
        displayName: part.name,
        original: part.copyType === 0,
        fileType: part.mediaType,
        fileSize: part.size,
        checksum: part.sha256,
        url: blobPath(part.sha256),
        ...(part.signature
          ? {
              signature: {
                status: part.signature.status,
                signer: part.signature.signer,
                signedAt: part.signature.signedAt ? epochMs(part.signature.signedAt) : undefined,
                ...(part.signature.detachedSha256 ? { url: blobPath(part.signature.detachedSha256) } : {}),
              },
            }
          : {}),
      })),
    }),
  acknowledged(body): PushOutcome {
    const answer = parsed(body)
    if (answer?.status === 'SUCCESS') return { ok: true }
    const message = typeof answer?.message === 'string' ? answer.message : 'no status in the answer'
    return { ok: false, error: `OpenCPS: ${message}`, permanent: answer !== null }
  },
}

/** The SOAP department system's service namespace and operation. */
export const SOAP_DEPT_NS = 'urn:lgsp:lienthong:v1'
export const SOAP_DEPT_OPERATION = 'NhanThongBaoHoSo'
const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/'
const xml = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true })

/** A SOAP 1.1 (document/literal) department system: one operation that takes every step. */
const soap: PartnerWire = {
  name: 'soap',
  contentType: 'text/xml; charset=utf-8',
  path: () => '/ws/LienThong.asmx',
  headers: () => ({ soapaction: `"${SOAP_DEPT_NS}/${SOAP_DEPT_OPERATION}"` }),
  encode: (m) =>
    `<?xml version="1.0" encoding="utf-8"?>${
      xml.build({
        'soap:Envelope': {
          '@_xmlns:soap': SOAP_ENV_NS,
          'soap:Body': {
            [SOAP_DEPT_OPERATION]: {
              '@_xmlns': SOAP_DEPT_NS,
              MaThongDiep: m.messageId,
              MaHoSo: m.dossier,
              MaTTHC: m.procedure,
              BuocXuLy: m.seq,
              HanhDong: m.step,
              TrangThai: m.status,
              DonViGui: m.agency,
              CanBoXuLy: m.officer ?? undefined,
              NoiDung: m.note ?? undefined,
              ThoiGian: portalTime(m.at),
              DonViDangGiu: m.holder,
              ChuHoSo: m.applicant,
              MaXa: m.commune ?? undefined,
              NgayHenTra: portalTime(m.dueAt) ?? undefined,
              ThanhPhan: m.parts.map((part) => ({
                Ten: part.name,
                LoaiBan: part.copyType,
                Hash: part.sha256,
                KichThuoc: part.size,
                ...(part.signature ? { TrangThaiChuKy: part.signature.status, NguoiKy: part.signature.signer } : {}),
              })),
            },
          },
        },
      }) as string
    }`,
  acknowledged(body): PushOutcome {
    const result = /<KetQua>\s*([^<]*?)\s*<\/KetQua>/.exec(body)?.[1]
    if (result === '1') return { ok: true }
    const said = /<MoTa>([^<]*)<\/MoTa>/.exec(body)?.[1] ?? 'no KetQua in the answer'
    return { ok: false, error: `SOAP KetQua ${result ?? '?'}: ${said}`, permanent: result !== undefined }
  },
  failure(status, body) {
    // soap:Client: the message itself is at fault, and will be again; soap:Server: try later.
    const code = /<faultcode>\s*(?:\w+:)?(Client|Server)\s*<\/faultcode>/.exec(body)?.[1]
    if (status !== 500 || !code) return null
    const said = /<faultstring>([^<]*)<\/faultstring>/.exec(body)?.[1] ?? ''
    return code === 'Client' ? { ok: false, error: `SOAP fault (Client): ${said}`, permanent: true } : { ok: false, error: `SOAP fault (Server): ${said}` }
  },
}

/**
 * The national public-service portal: a dossier is first synchronised (DongBoHoSo, at submission),
 * then each step is a progress update (CapNhatTienDo), in the portal's names and yyyyMMddHHmmss
 * times (Vietnam time).
 */
const portal: PartnerWire = {
  name: 'portal',
  contentType: 'application/json',
  path: (m) => (m.step === 'submit' ? '/dvc/dongbohoso' : '/dvc/capnhattiendo'),
  encode: (m) =>
    m.step === 'submit'
      ? json({
          MaThongDiep: m.messageId,
          MaHoSo: m.dossier,
          MaTTHC: m.procedure,
          KenhThucHien: m.channel,
          LoaiDoiTuong: isPin(m.applicant) ? 0 : 1,
          ChuHoSo: { SoDinhDanh: m.applicant },
          MaDonViTiepNhan: m.receivingAgency,
          NgayTiepNhan: portalTime(m.receivedAt),
          NgayHenTra: portalTime(m.dueAt),
          TrangThai: m.status,
        })
      : json({
          MaThongDiep: m.messageId,
          MaHoSo: m.dossier,
          NguoiXuLy: m.officer ?? m.agency,
          ThoiDiemXuLy: portalTime(m.at),
          PhongBanXuLy: m.agency,
          NoiDungXuLy: m.note ?? m.step,
          TrangThai: m.status,
          NgayBatDau: portalTime(m.receivedAt),
          NgayKetThucTheoQuyDinh: portalTime(m.dueAt),
        }),
  acknowledged(body): PushOutcome {
    const answer = parsed(body)
    if (answer?.error_code === 0 || answer?.error_code === '0') return { ok: true }
    const message = typeof answer?.message === 'string' ? answer.message : 'no error_code in the answer'
    return { ok: false, error: `portal: ${message}`, permanent: answer !== null }
  },
}

export const PARTNER_WIRES: Readonly<Record<WireName, PartnerWire>> = { canonical, igate, opencps, soap, portal }

export const partnerWire = (name: WireName): PartnerWire => PARTNER_WIRES[name]
