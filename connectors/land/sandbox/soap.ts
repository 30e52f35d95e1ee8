import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'

/**
 * SOAP 1.1 envelope helpers for the land registry's `DatDai.asmx` service, shared by the connector
 * (building requests, reading responses) and the sandbox (the reverse). Runtime-neutral: no Node
 * APIs, so the connector runs on any fetch runtime.
 */

/** Target namespace of the land registry service; SOAPAction is this plus the operation. */
export const LAND_NS = 'http://datdai.gov.vn/'
export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/'
/** The service endpoint, relative to the registry's base URL. */
export const LAND_SERVICE_PATH = '/ws/DatDai.asmx'

export type LandOperation = 'TraCuuThuaDat' | 'TraCuuThuaDatTheoChuSuDung' | 'TraCuuThuaDatTheoXa' | 'KiemTraKetNoi'

export const LAND_OPERATIONS: readonly LandOperation[] = ['TraCuuThuaDat', 'TraCuuThuaDatTheoChuSuDung', 'TraCuuThuaDatTheoXa', 'KiemTraKetNoi']

export const soapActionOf = (operation: LandOperation): string => `"${LAND_NS}${operation}"`

/**
 * Elements that are lists on the wire. fast-xml-parser makes a single child an object and several
 * an array; naming the list elements makes one-element lists arrays too, so schemas see one shape.
 */
const LIST_ELEMENTS = new Set(['ThuaDat', 'MucDichSuDung', 'ChuSuDung', 'GiayChungNhan', 'BienPhapBaoDam', 'KetQuaChuSuDung'])

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  // Keep every leaf a string: "00097" must not become 97, and numbers are parsed in map.ts.
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => LIST_ELEMENTS.has(name),
})

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true })

/** Thrown by `parseXml` on a document that is not well-formed XML (e.g. a truncated body). */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError'
}

/**
 * Parses an XML document into plain objects (namespace prefixes removed, leaves as strings,
 * list elements always arrays). The document is validated first: the parser alone accepts some
 * truncated documents and returns half a tree.
 */
export function parseXml(xml: string): unknown {
  const valid = XMLValidator.validate(xml)
  if (valid !== true) throw new XmlSyntaxError(`not well-formed XML (line ${valid.err.line})`)
  try {
    return parser.parse(xml)
  } catch (error) {
    throw new XmlSyntaxError(error instanceof Error ? error.message : 'XML parse failed')
  }
}

/** A JS value the builder turns into XML: objects are elements, arrays repeat the element. */
export type XmlValue = string | number | undefined | XmlNode | XmlNode[] | string[]
export interface XmlNode {
  [name: string]: XmlValue
}

/**
 * Builds a SOAP 1.1 envelope. `body` holds one element, written in the service namespace
 * (`<Op xmlns="http://datdai.gov.vn/">`, the .asmx document/literal style); `header` likewise.
 * Undefined values are left out; text is escaped by the builder.
 */
export function buildEnvelope(body: XmlNode, header?: XmlNode): string {
  const inNamespace = (node: XmlNode): XmlNode =>
    Object.fromEntries(Object.entries(node).map(([name, value]) => [name, { '@_xmlns': LAND_NS, ...(value as XmlNode) }]))
  const envelope: XmlNode = {
    'soap:Envelope': {
      '@_xmlns:soap': SOAP_ENV_NS,
      ...(header ? { 'soap:Header': inNamespace(header) } : {}),
      'soap:Body': inNamespace(body),
    },
  }
  return `<?xml version="1.0" encoding="utf-8"?>${builder.build(envelope) as string}`
}

/** A SOAP 1.1 fault envelope (`soap:Client` for bad requests, `soap:Server` otherwise). */
export function buildFault(faultcode: 'soap:Client' | 'soap:Server', faultstring: string): string {
  const fault: XmlNode = {
    'soap:Envelope': {
      '@_xmlns:soap': SOAP_ENV_NS,
      'soap:Body': { 'soap:Fault': { faultcode, faultstring } },
    },
  }
  return `<?xml version="1.0" encoding="utf-8"?>${builder.build(fault) as string}`
}
