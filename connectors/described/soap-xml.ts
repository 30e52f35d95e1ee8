/**
 * XML for SOAP sources, runtime-neutral (no Node APIs): the element tree the WSDL reader and the
 * answer reader share, the request envelope of a described SOAP operation, and the reading of its
 * answer into JSON guided by the operation's JSON Schema, so the answer check and the mapping see
 * the same values an OpenAPI source would send.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import type { DescribedOperation, DescribedSoap, JsonSchema, SourcePlace } from './description.js'
import { isNullable, kindOf } from './json-schema.js'

export const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/'
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance'
const XML_NS = 'http://www.w3.org/XML/1998/namespace'

/** An XML answer or request that cannot be read. Its message never holds a value of the document. */
export class SoapXmlError extends Error {
  constructor(
    readonly problem: string,
    message = problem,
  ) {
    super(message)
    this.name = 'SoapXmlError'
  }
}

/** Text that is not well-formed XML (or not namespace-well-formed), with where, when known. */
export class XmlSyntaxError extends SoapXmlError {
  constructor(
    problem: string,
    readonly place?: SourcePlace,
  ) {
    super(problem, `not well-formed XML${place ? ` (line ${place.line}, column ${place.column})` : ''}: ${problem}`)
    this.name = 'XmlSyntaxError'
  }
}

/** A request value that does not fit the operation's request schema; the message names the path only. */
export class SoapRequestError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`)
    this.name = 'SoapRequestError'
  }
}

/** One element of a parsed document. */
export interface XmlElement {
  /** As written, prefix included. */
  readonly name: string
  readonly prefix: string
  readonly local: string
  /** Resolved from the `xmlns` declarations in scope; '' when the element is in no namespace. */
  readonly namespace: string
  /** Attributes by their name as written (prefix included, `xmlns` declarations too), values decoded. */
  readonly attributes: ReadonlyMap<string, string>
  readonly children: readonly XmlElement[]
  /** The element's own text and CDATA, decoded, in order; the children's text is theirs. */
  readonly text: string
  /** The namespaces in scope: prefix ('' for the default namespace) → URI. */
  readonly scope: ReadonlyMap<string, string>
  /** Where the start tag is written. */
  readonly place?: SourcePlace
}

/** Deeper than any registry's answer; a document built to exhaust the reader's stack is refused. */
const MAX_DEPTH = 256

/*
 * Element and attribute names get a '<' in front while parsing (no XML name holds one) and lose it
 * after: a name such as `constructor` or `toString` is data here, and fast-xml-parser would
 * otherwise refuse or rename it. It applies the rename twice to empty elements, hence `^<+`.
 * Entities are left to `decode` below: the parser keeps numeric references (`&#13;`) as written.
 */
const parser = new XMLParser({
  preserveOrder: true,
  removeNSPrefix: false,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  transformTagName: (name) => `<${name}`,
  transformAttributeName: (name) => `<${name}`,
})
const unmark = (name: string) => {
  let start = 0
  while (name.charCodeAt(start) === 60) start++
  return start === 0 ? name : name.slice(start)
}
const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map()

type Ordered = Record<string, unknown>

/**
 * Parses a whole document into its root element. Refused: text that is not well-formed XML, a
 * DOCTYPE (entity declarations can expand without bound, or reach outside the document), more
 * than one root, an undeclared namespace prefix, and an unknown entity. `places: false` leaves out
 * where each element is written (for an answer, read on every call, whose errors name no line:
 * finding them is a pass over the text of its own).
 */
export function readXmlTree(text: string, options: { places?: boolean } = {}): XmlElement {
  if (options.places === false) {
    if (/<!DOCTYPE/i.test(text)) throw new XmlSyntaxError('a DOCTYPE is refused (its entities could expand without bound)')
    return treeOf(text, [], () => undefined)
  }
  const lineStarts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1)
  const placeAt = (offset: number): SourcePlace => {
    let low = 0
    let high = lineStarts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (lineStarts[middle]! <= offset) low = middle
      else high = middle - 1
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 }
  }

  // The start tags in document order: fast-xml-parser gives no positions, and this is the order it
  // builds elements in, so the nth start tag is the nth element of a depth-first walk.
  const starts: { name: string; offset: number }[] = []
  const token = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE|<\/|<([^\s/>!?]+)/gi
  for (let match = token.exec(text); match; match = token.exec(text)) {
    if (/^<!DOCTYPE$/i.test(match[0])) throw new XmlSyntaxError('a DOCTYPE is refused (its entities could expand without bound)', placeAt(match.index))
    if (match[1] !== undefined) starts.push({ name: match[1], offset: match.index })
  }
  return treeOf(text, starts, placeAt)
}

/** The tree of a document; `starts` are its start tags in order, to place elements (none: no places). */
function treeOf(text: string, starts: ReadonlyArray<{ name: string; offset: number }>, placeAt: (offset: number) => SourcePlace | undefined): XmlElement {
  const valid = XMLValidator.validate(text)
  if (valid !== true) throw new XmlSyntaxError(valid.err.msg, { line: valid.err.line, column: valid.err.col ?? 1 })
  let parsed: Ordered[]
  try {
    parsed = parser.parse(text) as Ordered[]
  } catch (error) {
    throw new XmlSyntaxError(error instanceof Error ? error.message : 'the parser failed')
  }

  let next = 0
  let placesAgree = true
  const build = (node: Ordered, inherited: ReadonlyMap<string, string>, depth: number): XmlElement => {
    if (depth > MAX_DEPTH) throw new XmlSyntaxError(`elements nested deeper than ${MAX_DEPTH}`)
    let key = ''
    for (const k in node) {
      if (k !== ':@') {
        key = k
        break
      }
    }
    const name = unmark(key)
    const start = starts[next++]
    if (start === undefined || start.name !== name) placesAgree = false
    const place = placesAgree && start ? placeAt(start.offset) : undefined

    // Most elements of an answer have no attributes: they share one empty map.
    const written = node[':@'] as Record<string, string> | undefined
    const attributes = written === undefined ? NO_ATTRIBUTES : new Map<string, string>()
    let scope = inherited
    for (const [rawName, raw] of written === undefined ? [] : Object.entries(written)) {
      const attribute = unmark(rawName)
      if (raw.includes('<')) throw new XmlSyntaxError(`< in the value of attribute ${attribute}`, place)
      const value = decode(normaliseAttribute(raw), place)
      ;(attributes as Map<string, string>).set(attribute, value)
      if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) {
        if (scope === inherited) scope = new Map(inherited)
        ;(scope as Map<string, string>).set(attribute === 'xmlns' ? '' : attribute.slice(6), value)
      }
    }
    const colon = name.indexOf(':')
    const prefix = colon === -1 ? '' : name.slice(0, colon)
    const local = colon === -1 ? name : name.slice(colon + 1)
    const namespace = namespaceOf(prefix, scope, name, place)
    for (const attribute of attributes.keys()) {
      const at = attribute.indexOf(':')
      if (at !== -1 && !attribute.startsWith('xmlns:')) namespaceOf(attribute.slice(0, at), scope, attribute, place)
    }

    const children: XmlElement[] = []
    let own = ''
    for (const child of (node[key] ?? []) as Ordered[]) {
      if (typeof child['#text'] === 'string') own += decode(normaliseLines(child['#text']), place)
      else if (Array.isArray(child['#cdata'])) own += (child['#cdata'] as Ordered[]).map((c) => normaliseLines(String(c['#text'] ?? ''))).join('')
      else children.push(build(child, scope, depth + 1))
    }
    return place
      ? { name, prefix, local, namespace, attributes, children, text: own, scope, place }
      : { name, prefix, local, namespace, attributes, children, text: own, scope }
  }

  const roots = parsed.filter((node) => Object.keys(node).some((k) => k.startsWith('<')))
  if (roots.length !== 1) throw new XmlSyntaxError(roots.length ? 'more than one root element' : 'no root element')
  const stray = parsed.find((node) => typeof node['#text'] === 'string' && (node['#text'] as string).trim() !== '')
  if (stray) throw new XmlSyntaxError('text outside the root element')
  return build(roots[0]!, new Map([['xml', XML_NS]]), 0)
}

function namespaceOf(prefix: string, scope: ReadonlyMap<string, string>, name: string, place: SourcePlace | undefined): string {
  const namespace = scope.get(prefix)
  if (namespace === undefined && prefix !== '') throw new XmlSyntaxError(`the prefix of ${name} is not declared`, place)
  return namespace ?? ''
}

/** XML reads every line break as \n (an escaped &#13; stays a carriage return). */
const normaliseLines = (text: string) => (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text)
/** XML reads tabs and line breaks in an attribute value as spaces. */
const normaliseAttribute = (text: string) => text.replace(/\r\n|[\r\n\t]/g, ' ')

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/** The five XML entities and character references; any other `&` is refused. */
function decode(raw: string, place: SourcePlace | undefined): string {
  if (!raw.includes('&')) return raw
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*)?(;?)/g, (_whole, body: string | undefined, semicolon: string) => {
    if (body === undefined || semicolon !== ';') throw new XmlSyntaxError('an & that begins no entity', place)
    if (body.startsWith('#')) {
      const code = body[1] === 'x' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10)
      if (!isXmlChar(code)) throw new XmlSyntaxError(`&${body}; is not a character XML allows`, place)
      return String.fromCodePoint(code)
    }
    const named = Object.hasOwn(NAMED, body) ? NAMED[body] : undefined
    if (named === undefined) throw new XmlSyntaxError(`unknown entity &${body};`, place)
    return named
  })
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  )
}

// ---------------------------------------------------------------------------------------------
// Requests

function soapOf(operation: DescribedOperation): DescribedSoap {
  if (!operation.soap) throw new SoapRequestError(operation.id, 'not a SOAP operation (its description is not a WSDL)')
  return operation.soap
}

/**
 * The SOAP 1.1 envelope calling `operation` with `body`, the content of its request element, and
 * `headers`, the content of its SOAP header elements by element name. Elements are written in the
 * order of the schema's sequence (not the object's key order), absent optional fields are left
 * out, a list is the element repeated, and text is escaped. A value that does not fit the request
 * schema (an unknown or missing field, a number for a text, a list for one value) throws
 * `SoapRequestError`: a request is never sent other than as described.
 */
export function buildSoapRequest(operation: DescribedOperation, body: unknown, headers: Readonly<Record<string, unknown>> = {}): string {
  const soap = soapOf(operation)
  const schema = operation.requestBody?.schema ?? { type: 'object', properties: {} }
  // Qualified: a default namespace carries every element below. Unqualified: only the request
  // element is in the namespace (by a prefix), those inside it are in none.
  const open = (element: string) =>
    soap.qualified ? `<${element} xmlns="${escapeText(soap.namespace)}"` : `<m:${element} xmlns:m="${escapeText(soap.namespace)}"`
  const close = (element: string) => (soap.qualified ? `</${element}>` : `</m:${element}>`)
  const top = (element: string, value: unknown, valueSchema: JsonSchema, path: string): string => {
    if (value === null) {
      if (!isNullable(valueSchema)) throw new SoapRequestError(path, 'may not be null')
      return `${open(element)} xsi:nil="true"/>`
    }
    const content = contentOf(value, valueSchema, path)
    return content === '' ? `${open(element)}/>` : `${open(element)}>${content}${close(element)}`
  }

  let header = ''
  for (const name of Object.keys(headers)) {
    if (!soap.headers.some((h) => h.element === name)) throw new SoapRequestError(`headers.${name}`, `${operation.id} declares no such SOAP header`)
  }
  for (const declared of soap.headers) {
    const value = headers[declared.element]
    if (value !== undefined) header += top(declared.element, value, declared.schema, `headers.${declared.element}`)
  }
  const request = top(soap.requestElement, body, schema, 'body')
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<soap:Envelope xmlns:soap="${SOAP_ENVELOPE_NS}" xmlns:xsi="${XSI_NS}">` +
    (header ? `<soap:Header>${header}</soap:Header>` : '') +
    `<soap:Body>${request}</soap:Body></soap:Envelope>`
  )
}

/** The XML content (children or text) of an element holding `value`. */
function contentOf(value: unknown, schema: JsonSchema, path: string): string {
  switch (kindOf(schema)) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SoapRequestError(path, 'expects an object')
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : []
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(properties, key)) throw new SoapRequestError(`${path}.${key}`, 'is not in the described request')
      }
      let out = ''
      // The schema's properties are in the order of the sequence they were read from.
      for (const [name, property] of Object.entries(properties)) {
        const field = Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined
        const at = `${path}.${name}`
        if (field === undefined || (field === null && !isNullable(property))) {
          if (required.includes(name)) throw new SoapRequestError(at, 'is required')
          continue
        }
        if (kindOf(property) === 'array') {
          if (!Array.isArray(field)) throw new SoapRequestError(at, 'expects a list')
          const items = (property.items ?? {}) as JsonSchema
          if (typeof property.minItems === 'number' && field.length < property.minItems)
            throw new SoapRequestError(at, `needs at least ${property.minItems} items`)
          if (typeof property.maxItems === 'number' && field.length > property.maxItems)
            throw new SoapRequestError(at, `holds at most ${property.maxItems} items`)
          field.forEach((item, index) => {
            out += element(name, item, items, `${at}[${index}]`)
          })
        } else out += element(name, field, property, at)
      }
      return out
    }
    case 'string':
      if (typeof value !== 'string') throw new SoapRequestError(path, 'expects text (a number would lose leading zeros)')
      return escapeText(value, path)
    case 'integer':
      if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) return String(value)
      if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return value
      throw new SoapRequestError(path, 'expects an integer')
    case 'boolean':
      if (typeof value !== 'boolean') throw new SoapRequestError(path, 'expects true or false')
      return String(value)
    default:
      throw new SoapRequestError(path, 'has a schema the request cannot be written from')
  }
}

/** One element inside the request element: unprefixed, in the namespace by the default in scope, or in none. */
function element(name: string, value: unknown, schema: JsonSchema, path: string): string {
  if (value === null) {
    if (!isNullable(schema)) throw new SoapRequestError(path, 'may not be null')
    return `<${name} xsi:nil="true"/>`
  }
  const content = contentOf(value, schema, path)
  return content === '' ? `<${name}/>` : `<${name}>${content}</${name}>`
}

/** Whether the text holds a character XML 1.0 cannot carry, escaped or not (most controls, a lone surrogate). */
function holdsNonXml(text: string): boolean {
  for (const char of text) {
    if (!isXmlChar(char.codePointAt(0)!)) return true
  }
  return false
}

/** Text and attribute values escaped; a carriage return is kept as one (XML would read it as \n). */
function escapeText(text: string, path = 'namespace'): string {
  if (holdsNonXml(text)) throw new SoapRequestError(path, 'holds a character XML cannot carry')
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll('\r', '&#13;')
}

// ---------------------------------------------------------------------------------------------
// Answers

export type SoapAnswer = { kind: 'answer'; value: unknown } | { kind: 'fault'; code: string }

/**
 * Reads a SOAP 1.1 answer of `operation`: the content of its response element as JSON, or a
 * fault's `faultcode` (never its `faultstring`, which may echo personal data). Elements are matched
 * by local name. The JSON follows the operation's 200 schema, so the answer check judges the values
 * as the registry wrote them:
 * - an element the schema makes a list is a list, also with one or no occurrence;
 * - a text becomes a number only where the schema says integer and the text is one (else it stays
 *   text, and the check fails); a boolean likewise; text stays text as written (`00097` stays `00097`);
 * - an optional element that is absent or empty is absent; `xsi:nil="true"` is null;
 * - an element the schema does not describe is left out.
 * Throws `XmlSyntaxError` on text that is not well-formed XML, `SoapXmlError` on a document that is
 * not a SOAP envelope or lacks the response element.
 */
export function readSoapResponse(operation: DescribedOperation, xmlText: string): SoapAnswer {
  const soap = operation.soap
  if (!soap) throw new SoapXmlError(`${operation.id} is not a SOAP operation`)
  const root = readXmlTree(xmlText, { places: false })
  if (root.local !== 'Envelope') throw new SoapXmlError('the answer is not a SOAP envelope')
  const body = root.children.find((child) => child.local === 'Body')
  if (!body) throw new SoapXmlError('the SOAP envelope has no Body')
  const fault = body.children.find((child) => child.local === 'Fault')
  if (fault) {
    const code = fault.children.find((child) => child.local === 'faultcode')?.text.trim()
    if (!code) throw new SoapXmlError('a SOAP fault without a faultcode')
    return { kind: 'fault', code }
  }
  const response = body.children.find((child) => child.local === soap.responseElement)
  if (!response) throw new SoapXmlError(`the SOAP Body holds no ${soap.responseElement}`)
  const schema = operation.responses.find((r) => r.status === 200)?.schema ?? {}
  const value = jsonOf(response, schema, true)
  return { kind: 'answer', value: value === ABSENT ? {} : value }
}

const ABSENT = Symbol('absent')
const NONE: readonly XmlElement[] = []

function isNil(element: XmlElement): boolean {
  for (const [name, value] of element.attributes) {
    const colon = name.indexOf(':')
    if (colon !== -1 && name.slice(colon + 1) === 'nil' && element.scope.get(name.slice(0, colon)) === XSI_NS)
      return value.trim() === 'true' || value.trim() === '1'
  }
  return false
}

/** The JSON of one element by its schema; `ABSENT` for an empty optional one. */
function jsonOf(element: XmlElement, schema: JsonSchema, required: boolean): unknown {
  if (isNil(element)) return null
  const kind = kindOf(schema)
  // Spaces are content only in text: around elements, or in a number, they say nothing.
  const significant = kind === 'string' || kind === 'unknown' ? element.text : element.text.trim()
  if (element.children.length === 0 && significant === '' && !required) return ABSENT
  if (kind === 'object') {
    // Text where an object is described stays text, so the check refuses it.
    if (element.children.length === 0 && element.text.trim() !== '') return element.text
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
    const requiredNames = Array.isArray(schema.required) ? (schema.required as string[]) : []
    const out: Record<string, unknown> = {}
    // The children by name, in one pass: each property then finds its own.
    const byName = new Map<string, XmlElement[]>()
    for (const child of element.children) {
      const same = byName.get(child.local)
      if (same) same.push(child)
      else byName.set(child.local, [child])
    }
    for (const [name, property] of Object.entries(properties)) {
      const occurrences = byName.get(name) ?? NONE
      let value: unknown
      if (kindOf(property) === 'array') {
        const items = (property.items ?? {}) as JsonSchema
        // An item is one occurrence: an empty one is an empty value, not a gap in the list.
        value = occurrences.map((child) => {
          const item = jsonOf(child, items, true)
          return item === ABSENT ? '' : item
        })
      } else if (occurrences.length === 1) {
        value = jsonOf(occurrences[0]!, property, requiredNames.includes(name))
      } else if (occurrences.length > 1) {
        // Repeated where one is described: kept as a list, so the check refuses it.
        value = occurrences.map((child) => jsonOf(child, property, true))
      } else continue
      if (value === ABSENT) continue
      // `__proto__` from a description is a field like any other, never the object's prototype.
      if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true })
      else out[name] = value
    }
    return out
  }
  // A value where text is described: its children's text would be a guess, so it is refused.
  if (element.children.length > 0) return { element: element.local }
  const text = element.text
  // XML Schema reads numbers and booleans with surrounding spaces collapsed; text is kept as written.
  const trimmed = text.trim()
  if (kind === 'integer') {
    if (/^[+-]?\d+$/.test(trimmed)) {
      const number = Number(trimmed)
      // Beyond 2^53 a number would not be the registry's value: left as text, the check refuses it.
      if (Number.isSafeInteger(number)) return number
    }
    return text
  }
  if (kind === 'number') {
    const number = Number(trimmed)
    return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) && Number.isFinite(number) ? number : text
  }
  if (kind === 'boolean') {
    if (trimmed === 'true' || trimmed === '1') return true
    if (trimmed === 'false' || trimmed === '0') return false
    return text
  }
  return text
}
