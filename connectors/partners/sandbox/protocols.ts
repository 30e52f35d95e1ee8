/**
 * How each sandbox vendor system reads what it is sent and answers, in its own style: the reverse
 * of wires.ts, written against each vendor's names (not the gateway's), and strict as a real system
 * is: a malformed payload is refused with the system's own words.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { z } from 'zod'
import { SOAP_DEPT_NS, SOAP_DEPT_OPERATION } from '../wires.js'
import type { PartnerProtocol, ReceivedMessage } from './partner-sandbox.js'

const json = (status: number, value: unknown) => ({ status, body: JSON.stringify(value), contentType: 'application/json' })
const DOSSIER_CODE = /^[A-Z0-9][A-Z0-9.]{1,39}-\d{6,8}-\d{4,10}$/
const PROCEDURE_CODE = /^\d\.\d{6}(?:\.[0-9A-Z]{1,6}){0,6}$/
const PORTAL_TIME = /^\d{14}$/
const SHA256 = /^[0-9a-f]{64}$/

function readJson<T>(schema: z.ZodType<T>, body: string): { ok: true; value: T } | { ok: false; error: string } {
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return { ok: false, error: 'not JSON' }
  }
  const parsed = schema.safeParse(value)
  if (parsed.success) return { ok: true, value: parsed.data }
  const issue = parsed.error.issues[0]
  return { ok: false, error: `${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}` }
}

const igateMessage = z.object({
  MaThongDiep: z.string().uuid(),
  MaHoSo: z.string().regex(DOSSIER_CODE),
  MaTTHC: z.string().regex(PROCEDURE_CODE),
  BuocXuLy: z.number().int().min(1),
  TrangThaiHoSo: z.number().int().min(1).max(10),
  DonViDangGiu: z.string().min(1),
  ThoiGian: z.string().datetime({ offset: true }),
  ThanhPhanHoSo: z.array(z.object({ TenGiayTo: z.string().min(1), HashTepTin: z.string().regex(SHA256), DuongDan: z.string().startsWith('/v1/blobs/') })),
})

/** An iGate-style one-stop desk (VNPT): `error_code` "0" on success, "-1" and a message otherwise. */
export const igateProtocol: PartnerProtocol = {
  path: '/api/lienthong/hoso',
  decode(body) {
    const read = readJson(igateMessage, body)
    if (!read.ok) return read
    const m = read.value
    return { ok: true, message: { messageId: m.MaThongDiep, dossier: m.MaHoSo, seq: m.BuocXuLy, status: m.TrangThaiHoSo, raw: m } }
  },
  ack: () => json(200, { error_code: '0', message: 'Thành công' }),
  refuse: (error) => json(200, { error_code: '-1', message: `Dữ liệu không hợp lệ: ${error}` }),
}

const opencpsMessage = z.object({
  referenceUid: z.string().uuid(),
  dossierNo: z.string().regex(DOSSIER_CODE),
  serviceCode: z.string().regex(PROCEDURE_CODE),
  stepNo: z.number().int().min(1),
  dossierStatus: z.enum(['new', 'receiving', 'denied', 'processing', 'waiting', 'paying', 'cancelled', 'ended', 'done', 'released']),
  govAgencyCode: z.string().min(1),
  actionDate: z.number().int().positive(),
  applicantIdType: z.enum(['citizen', 'business']),
  applicantIdNo: z.string().min(10),
  dossierFiles: z.array(z.object({ displayName: z.string().min(1), checksum: z.string().regex(SHA256), url: z.string().startsWith('/v1/blobs/') })),
})

const OPENCPS_CODES: Record<z.infer<typeof opencpsMessage>['dossierStatus'], number> = {
  new: 1,
  receiving: 2,
  denied: 3,
  processing: 4,
  waiting: 5,
  paying: 6,
  cancelled: 7,
  ended: 8,
  done: 9,
  released: 10,
}

/** An OpenCPS-style department system: its own names and status words; `status: SUCCESS`, or 400 with `status: ERROR`. */
export const opencpsProtocol: PartnerProtocol = {
  path: '/o/rest/v2/dossiers/sync',
  decode(body) {
    const read = readJson(opencpsMessage, body)
    if (!read.ok) return read
    const m = read.value
    return { ok: true, message: { messageId: m.referenceUid, dossier: m.dossierNo, seq: m.stepNo, status: OPENCPS_CODES[m.dossierStatus], raw: m } }
  },
  ack: (message) => json(200, { status: 'SUCCESS', referenceUid: message.messageId }),
  refuse: (error) => json(400, { status: 'ERROR', message: error }),
}

const xml = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'ThanhPhan',
})

const soapMessage = z.object({
  MaThongDiep: z.string().uuid(),
  MaHoSo: z.string().regex(DOSSIER_CODE),
  MaTTHC: z.string().regex(PROCEDURE_CODE),
  BuocXuLy: z.string().regex(/^\d+$/),
  TrangThai: z.string().regex(/^(?:[1-9]|10)$/),
  ThoiGian: z.string().regex(PORTAL_TIME),
  DonViDangGiu: z.string().min(1),
  ThanhPhan: z.array(z.object({ Ten: z.string().min(1), Hash: z.string().regex(SHA256) })).optional(),
})

const soapEnvelope = (content: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${content}</soap:Body></soap:Envelope>`
const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`)

/** A SOAP 1.1 department system: `KetQua` 1 on success; a malformed message is a `soap:Client` fault (500). */
export const soapProtocol: PartnerProtocol = {
  path: '/ws/LienThong.asmx',
  decode(body) {
    if (XMLValidator.validate(body) !== true) return { ok: false, error: 'not well-formed XML' }
    const tree = xml.parse(body) as { Envelope?: { Body?: Record<string, unknown> } }
    const operation = tree.Envelope?.Body?.[SOAP_DEPT_OPERATION]
    if (!operation) return { ok: false, error: `no ${SOAP_DEPT_OPERATION} in the body` }
    const parsed = soapMessage.safeParse(operation)
    if (!parsed.success) return { ok: false, error: `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}` }
    const m = parsed.data
    return { ok: true, message: { messageId: m.MaThongDiep, dossier: m.MaHoSo, seq: Number(m.BuocXuLy), status: Number(m.TrangThai), raw: m } }
  },
  ack: () => ({
    status: 200,
    body: soapEnvelope(`<${SOAP_DEPT_OPERATION}Response xmlns="${SOAP_DEPT_NS}"><KetQua>1</KetQua><MoTa>Đã nhận</MoTa></${SOAP_DEPT_OPERATION}Response>`),
    contentType: 'text/xml; charset=utf-8',
  }),
  refuse: (error) => ({
    status: 500,
    body: soapEnvelope(`<soap:Fault><faultcode>soap:Client</faultcode><faultstring>${escapeXml(error)}</faultstring></soap:Fault>`),
    contentType: 'text/xml; charset=utf-8',
  }),
}

const portalSync = z.object({
  MaThongDiep: z.string().uuid(),
  MaHoSo: z.string().regex(DOSSIER_CODE),
  MaTTHC: z.string().regex(PROCEDURE_CODE),
  KenhThucHien: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  LoaiDoiTuong: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  ChuHoSo: z.object({ SoDinhDanh: z.string().regex(/^\d{10}(?:\d{2}|-\d{3})?$/) }),
  MaDonViTiepNhan: z.string().min(1),
  NgayTiepNhan: z.string().regex(PORTAL_TIME),
  NgayHenTra: z.string().regex(PORTAL_TIME).nullable(),
  TrangThai: z.literal(1),
})

/** The portal's limit on a progress note: a longer one is refused, whatever the gateway accepted. */
export const PORTAL_NOTE_MAX = 500

const portalProgress = z.object({
  MaThongDiep: z.string().uuid(),
  MaHoSo: z.string().regex(DOSSIER_CODE),
  NguoiXuLy: z.string().min(1),
  ThoiDiemXuLy: z.string().regex(PORTAL_TIME),
  PhongBanXuLy: z.string().min(1),
  NoiDungXuLy: z.string().min(1).max(PORTAL_NOTE_MAX),
  TrangThai: z.number().int().min(2).max(10),
  NgayBatDau: z.string().regex(PORTAL_TIME),
  NgayKetThucTheoQuyDinh: z.string().regex(PORTAL_TIME).nullable(),
})

const portalRefusal = (error: string) => json(400, { error_code: -1, message: error })

/**
 * The national public-service portal: a dossier is synchronised once (DongBoHoSo) and then told
 * of each step (CapNhatTienDo); it refuses a malformed payload, and a progress update for a
 * dossier it was never given. Its history per dossier is `applied`, in order.
 */
export function portalProtocols(): PartnerProtocol[] {
  const ok = () => json(200, { error_code: 0, message: 'Thành công' })
  // A step's number is not on the portal's wire (seq 0): the order it applies messages in is its history.
  return [
    {
      path: '/dvc/dongbohoso',
      decode(body) {
        const read = readJson(portalSync, body)
        if (!read.ok) return read
        const m = read.value
        return { ok: true, message: { messageId: m.MaThongDiep, dossier: m.MaHoSo, seq: 0, status: m.TrangThai, raw: m } }
      },
      check: (message, applied) => (applied.some((m) => m.dossier === message.dossier && m.status === 1) ? `Hồ sơ ${message.dossier} đã được đồng bộ` : null),
      ack: ok,
      refuse: portalRefusal,
    },
    {
      path: '/dvc/capnhattiendo',
      decode(body) {
        const read = readJson(portalProgress, body)
        if (!read.ok) return read
        const m = read.value
        return { ok: true, message: { messageId: m.MaThongDiep, dossier: m.MaHoSo, seq: 0, status: m.TrangThai, raw: m } }
      },
      check: (message: ReceivedMessage, applied) =>
        applied.some((m) => m.dossier === message.dossier) ? null : `Hồ sơ ${message.dossier} chưa được đồng bộ lên Cổng Dịch vụ công`,
      ack: ok,
      refuse: portalRefusal,
    },
  ]
}
