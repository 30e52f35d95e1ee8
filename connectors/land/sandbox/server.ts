import type { Context, Hono } from 'hono'
import { createFaultState, createSandboxApp, type FaultConfig, type FaultState, type World } from '../../kit/sandbox/index.js'
import { buildEnvelope, buildFault, LAND_NS, LAND_OPERATIONS, LAND_SERVICE_PATH, parseXml, type LandOperation } from './soap.js'
import { createLandOperations } from './operations.js'
import { requestEnvelopeSchema } from './wire.js'
import { landWsdl } from './wsdl.js'

export interface LandSandboxOptions {
  /** When set, every call must carry this account in the `ThongTinYeuCau` header (else HTTP 401). */
  credentials?: { username: string; password: string }
  /** Faults in force from the start. */
  faults?: Partial<FaultConfig>
}

/** What the sandbox saw on the last SOAP call, for tests checking propagation. */
export interface LandSandboxLastRequest {
  /** The `x-request-id` HTTP header. */
  requestId: string | null
  /** `MaYeuCau` from the SOAP header. */
  maYeuCau: string | null
  operation: LandOperation | null
}

export interface LandSandbox {
  app: Hono
  state: FaultState
  lastRequest: LandSandboxLastRequest
}

const XML = { 'content-type': 'text/xml; charset=utf-8' }

function fault(c: Context, status: 400 | 401 | 500, code: 'soap:Client' | 'soap:Server', message: string) {
  return c.body(buildFault(code, message), status, XML)
}

/**
 * Creates the sandbox land registry (CSDL đất đai): a SOAP 1.1 `.asmx`-style service at
 * `POST /ws/DatDai.asmx` (SOAPAction `"http://datdai.gov.vn/<Operation>"`) with its WSDL at
 * `GET /ws/DatDai.asmx?wsdl`, serving the parcels of `world`. Client faults answer HTTP 400 (401
 * for a wrong account), server faults HTTP 500. Fault injection and `/__sandbox/*` control routes
 * come from the kit; `GET /__sandbox/last-request` shows the last request id seen.
 * @example
 * const server = await serveSandbox('land', createLandSandbox(createWorld()))
 */
export function createLandSandbox(world: World, options: LandSandboxOptions = {}): LandSandbox {
  const { app, state } = createSandboxApp(createFaultState(options.faults))
  const operations = createLandOperations(world)
  const lastRequest: LandSandboxLastRequest = { requestId: null, maYeuCau: null, operation: null }
  const { credentials } = options

  app.get('/__sandbox/last-request', (c) => c.json(lastRequest))

  app.get(LAND_SERVICE_PATH, (c) => {
    const url = new URL(c.req.url)
    // .asmx answers ?wsdl in any case; without it, a short human-readable service page.
    if ([...url.searchParams.keys()].some((key) => key.toLowerCase() === 'wsdl')) {
      return c.body(landWsdl(`${url.origin}${LAND_SERVICE_PATH}`), 200, XML)
    }
    const items = LAND_OPERATIONS.map((op) => `<li>${op}</li>`).join('')
    return c.html(
      `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>DatDai</title></head><body><h1>DatDai</h1><p>Dịch vụ tra cứu cơ sở dữ liệu đất đai (sandbox). <a href="?wsdl">Mô tả dịch vụ (WSDL)</a></p><ul>${items}</ul></body></html>`,
    )
  })

  app.post(LAND_SERVICE_PATH, async (c) => {
    lastRequest.requestId = c.req.header('x-request-id') ?? null
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('text/xml')) {
      return c.text('Unsupported Media Type: SOAP 1.1 requests are text/xml', 415)
    }
    const action = (c.req.header('soapaction') ?? '').trim().replace(/^"(.*)"$/, '$1')
    const operation = LAND_OPERATIONS.find((op) => `${LAND_NS}${op}` === action)
    if (!operation) return fault(c, 400, 'soap:Client', 'Máy chủ không nhận ra giá trị của HTTP header SOAPAction')
    let doc: unknown
    try {
      doc = parseXml(await c.req.text())
    } catch {
      return fault(c, 400, 'soap:Client', 'Yêu cầu không phải là XML hợp lệ')
    }
    const envelope = requestEnvelopeSchema.safeParse(doc)
    if (!envelope.success) return fault(c, 400, 'soap:Client', 'Thiếu soap:Envelope hoặc soap:Body')
    const header = envelope.data.Envelope.Header?.ThongTinYeuCau
    lastRequest.maYeuCau = header?.MaYeuCau ?? null
    lastRequest.operation = operation
    if (credentials && (header?.TenDangNhap !== credentials.username || header?.MatKhau !== credentials.password)) {
      return fault(c, 401, 'soap:Client', 'Xác thực không thành công')
    }
    const body = envelope.data.Envelope.Body
    if (!(operation in body)) return fault(c, 400, 'soap:Client', 'Nội dung soap:Body không khớp SOAPAction')
    try {
      const outcome = operations[operation](body[operation])
      if ('fault' in outcome) return fault(c, 400, 'soap:Client', outcome.fault)
      return c.body(buildEnvelope({ [`${operation}Response`]: { [`${operation}Result`]: outcome.result } }), 200, XML)
    } catch {
      return fault(c, 500, 'soap:Server', 'Lỗi hệ thống khi xử lý yêu cầu')
    }
  })

  return { app, state, lastRequest }
}
