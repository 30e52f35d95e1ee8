import type { CircuitStateName } from '../../kit/index.js'
import type { z } from 'zod'
import { clientOptionsOf, ConnectorError, createUpstream, parseUpstream, type RegistryClientOptions, type RequestScope } from '../../kit/index.js'
import { buildEnvelope, LAND_SERVICE_PATH, parseXml, soapActionOf, type LandOperation, type XmlNode } from './soap.js'
import { faultResponse } from '../upstream.js'

/** Client options (kit/upstream-fetch.ts): deadline, resilience (@default off: the entry turns it on), transport. */
export interface SoapClientOptions extends RegistryClientOptions {
  baseUrl: string
  /** Service account, sent in the `ThongTinYeuCau` SOAP header when the registry requires one. */
  credentials?: { username: string; password: string }
}

export interface SoapClient {
  /** The circuit breaker's state of this registry's client. */
  circuit(): CircuitStateName
  /**
   * Calls one operation and returns the envelope parsed by `schema`. `name` labels the call in
   * audit and metrics. Faults, non-XML and payloads that do not fit throw `ConnectorError`.
   */
  call<S extends z.ZodType>(operation: LandOperation, payload: XmlNode, schema: S, scope: RequestScope, name: string): Promise<z.output<S>>
}

/**
 * The SOAP 1.1 client of `DatDai.asmx`, on top of the kit's `createUpstream` (deadline, caller
 * signal, `x-request-id`). The request id also travels in the SOAP header as `MaYeuCau`, where the
 * registry's own logs keep it. Error mapping: transport failures, HTTP 5xx and 401/403 come from
 * the kit; a `soap:Server` fault is UPSTREAM_UNAVAILABLE (retryable); a `soap:Client` fault means
 * the registry refused the request and retrying will not help, so it is UPSTREAM_BAD_RESPONSE.
 * @example
 * const soap = createSoapClient({ baseUrl: 'http://127.0.0.1:8183' })
 * const doc = await soap.call('KiemTraKetNoi', {}, kiemTraKetNoiResponse, scope, 'health')
 */
export function createSoapClient(options: SoapClientOptions): SoapClient {
  const upstream = createUpstream({
    connector: 'land',
    baseUrl: options.baseUrl,
    ...clientOptionsOf(options),
    headers: { accept: 'text/xml', 'content-type': 'text/xml; charset=utf-8' },
  })
  const { credentials } = options

  async function call<S extends z.ZodType>(operation: LandOperation, payload: XmlNode, schema: S, scope: RequestScope, name: string): Promise<z.output<S>> {
    const path = `${LAND_SERVICE_PATH}/${operation}`
    const header: XmlNode = {
      ThongTinYeuCau: {
        MaYeuCau: scope.requestId,
        TenDangNhap: credentials?.username,
        MatKhau: credentials?.password,
      },
    }
    const response = await upstream.send(
      LAND_SERVICE_PATH,
      {
        method: 'POST',
        // Every operation the gateway calls is a query: safe to retry.
        idempotent: true,
        operation: name,
        headers: { soapaction: soapActionOf(operation) },
        body: buildEnvelope({ [operation]: payload }, header),
      },
      scope,
    )
    const { status } = response
    let doc: unknown
    try {
      doc = parseXml(response.text)
    } catch (error) {
      throw new ConnectorError('land', statusCode(status), { path, status, detail: 'not well-formed XML' }, { cause: error })
    }
    const fault = faultResponse.safeParse(doc)
    if (fault.success) {
      const { faultcode } = fault.data.Envelope.Body.Fault
      // Only the fault code goes to the logs: a fault string may echo an identifier.
      const code = /(^|:)Server(\.|$)/.test(faultcode) ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_BAD_RESPONSE'
      throw new ConnectorError('land', code, { path, status, detail: `SOAP fault ${faultcode}` })
    }
    if (status !== 200) throw new ConnectorError('land', statusCode(status), { path, status })
    return parseUpstream('land', schema, doc, path)
  }

  return { call, circuit: () => upstream.circuit() }
}

/** A 404 means no service at that address (a wrong base URL): the registry is unreachable. */
const statusCode = (status: number) => (status === 404 ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_BAD_RESPONSE')
