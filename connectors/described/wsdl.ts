import {
  type DescribedOperation,
  type DescribedResponse,
  type DescribedSoapHeader,
  DescriptionError,
  type JsonSchema,
  type SourceDescription,
  type SourcePlace,
} from './description.js'
import { DECIMAL_PATTERN } from './json-schema.js'
import { unsafePath } from './openapi.js'
import { readXmlTree, type XmlElement, XmlSyntaxError } from './soap-xml.js'

/**
 * Reads a WSDL 1.1 document (one service, its SOAP 1.1 binding, document/literal) into a
 * `SourceDescription`: each operation a POST to the service address's path, its request and answer
 * the JSON Schemas of the body elements' content, read from the inline XML Schema. Pure and
 * runtime-neutral: it is given the text, never reads a file or the network, so an external schema
 * is refused rather than fetched.
 *
 * The XML Schema subset read: global `element`, `complexType` (a `sequence` or `all` of elements),
 * `simpleType` (a `restriction` with enumeration, pattern, length, minLength, maxLength, and for
 * integers min/maxInclusive and min/maxExclusive); elements by `type`, inline type or `ref`, with
 * minOccurs, maxOccurs and nillable; the built-ins string, int, integer, long, short, decimal,
 * boolean, date and dateTime. Anything else is refused by name, with where it is written: a
 * description the gateway cannot hold every value of is not half read.
 */
export function readWsdl(text: string, file: string): SourceDescription {
  let root: XmlElement
  try {
    root = readXmlTree(text)
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw new DescriptionError(file, [], `not well-formed XML: ${error.problem}`, error.place)
    throw error
  }
  return new WsdlReader(file, root).read()
}

const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/'
const WSDL2_NS = 'http://www.w3.org/ns/wsdl'
const SOAP11_NS = 'http://schemas.xmlsoap.org/wsdl/soap/'
const SOAP12_NS = 'http://schemas.xmlsoap.org/wsdl/soap12/'
const SOAP_HTTP = 'http://schemas.xmlsoap.org/soap/http'
const XSD_NS = 'http://www.w3.org/2001/XMLSchema'

/**
 * Decimals stay text: a registry's `125.40` or a 30-digit amount would lose digits or its
 * scale as a JS number. The pattern is the decimal's canonical form.
 */
const DATE_PATTERN = '^-?\\d{4,}-\\d{2}-\\d{2}(Z|[+-]\\d{2}:\\d{2})?$'
const DATE_TIME_PATTERN = '^-?\\d{4,}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})?$'

/** What a simple type is read as, for which facets apply to it. */
type Base = 'string' | 'integer' | 'decimal' | 'boolean' | 'date' | 'dateTime'

const BUILTINS: Readonly<Record<string, { base: Base; schema: () => JsonSchema }>> = {
  string: { base: 'string', schema: () => ({ type: 'string' }) },
  int: { base: 'integer', schema: () => ({ type: 'integer', minimum: -2147483648, maximum: 2147483647 }) },
  short: { base: 'integer', schema: () => ({ type: 'integer', minimum: -32768, maximum: 32767 }) },
  // A long past 2^53 is not a JS number: the answer reader leaves it as text and the check refuses it.
  long: { base: 'integer', schema: () => ({ type: 'integer' }) },
  integer: { base: 'integer', schema: () => ({ type: 'integer' }) },
  decimal: { base: 'decimal', schema: () => ({ type: 'string', pattern: DECIMAL_PATTERN }) },
  boolean: { base: 'boolean', schema: () => ({ type: 'boolean' }) },
  date: { base: 'date', schema: () => ({ type: 'string', pattern: DATE_PATTERN }) },
  dateTime: { base: 'dateTime', schema: () => ({ type: 'string', pattern: DATE_TIME_PATTERN }) },
}
const BUILTIN_NAMES = Object.keys(BUILTINS).join(', ')

/** The answer of a SOAP 1.1 fault (HTTP 500): its code only, since a faultstring may echo personal data. */
const faultSchema = (): JsonSchema => ({ type: 'object', properties: { faultcode: { type: 'string' } }, required: ['faultcode'] })

/** Far beyond any registry's description; a small file whose types reuse each other can expand exponentially. */
const MAX_EXPANDED_NODES = 50_000

type Path = readonly string[]
interface QName {
  namespace: string
  local: string
  /** As written, for messages. */
  written: string
}
interface Simple {
  base: Base
  schema: Record<string, unknown>
}
interface Declared {
  name: string
  schema: JsonSchema
  min: number
  max: number | 'unbounded'
}

class WsdlReader {
  private readonly pathOf = new Map<XmlElement, Path>()
  private readonly places = new Map<string, SourcePlace>()
  private tns = ''
  private schemaNs = ''
  private qualified = false
  private readonly elements = new Map<string, XmlElement>()
  private readonly complexTypes = new Map<string, XmlElement>()
  private readonly simpleTypes = new Map<string, XmlElement>()
  private readonly messages = new Map<string, XmlElement>()
  private readonly portTypes = new Map<string, XmlElement>()
  private readonly bindings = new Map<string, XmlElement>()
  private expanded = 0

  constructor(
    private readonly file: string,
    private readonly root: XmlElement,
  ) {
    this.label(root, [])
  }

  read(): SourceDescription {
    const root = this.root
    if (root.local !== 'definitions' || root.namespace !== WSDL_NS) {
      if (root.namespace === WSDL2_NS) this.fail(root, 'WSDL 2.0 is not read: only WSDL 1.1 (wsdl:definitions)')
      this.fail(root, `expected a WSDL 1.1 document (definitions in ${WSDL_NS}), found ${root.name}`)
    }
    this.tns = root.attributes.get('targetNamespace') ?? this.fail(root, 'definitions needs a targetNamespace')

    let types: XmlElement | undefined
    const services: XmlElement[] = []
    for (const child of root.children) {
      if (child.namespace !== WSDL_NS) {
        this.extension(child)
        continue
      }
      switch (child.local) {
        case 'documentation':
          break
        case 'import':
          this.fail(
            child,
            `wsdl:import of ${child.attributes.get('location') ?? 'another document'} is refused: only one self-contained document is read (no network)`,
          )
          break
        case 'types':
          if (types) this.fail(child, 'two wsdl:types sections')
          types = child
          break
        case 'message':
          this.index(this.messages, child, 'message')
          break
        case 'portType':
          this.index(this.portTypes, child, 'portType')
          break
        case 'binding':
          this.index(this.bindings, child, 'binding')
          break
        case 'service':
          services.push(child)
          break
        default:
          this.fail(child, `wsdl:${child.local} is not a WSDL 1.1 element`)
      }
    }
    if (types) this.readTypes(types)

    if (services.length === 0) this.fail(root, 'no wsdl:service: the document does not say where the registry is')
    if (services.length > 1) {
      this.fail(services[1]!, `two services (${services.map((s) => s.attributes.get('name')).join(', ')}): only one is read`)
    }
    const service = services[0]!
    const serviceName = this.nameOf(service)
    const port = this.soapPort(service, serviceName)
    const binding = this.bindingOf(port)
    const address = this.child(port, SOAP11_NS, 'address') ?? this.fail(port, `port ${this.nameOf(port)} has no soap:address`)
    const path = this.servicePath(address)

    const documentation = this.child(root, WSDL_NS, 'documentation')?.text.replace(/\s+/g, ' ').trim()
    return {
      kind: 'wsdl',
      file: this.file,
      title: documentation || serviceName,
      version: '',
      operations: this.readBinding(binding, path),
      apiKeys: [],
      oauth: [],
      // A WSDL does not say: the mapping does.
      mutualTls: false,
      placeOf: (at) => this.places.get(at.join('.')),
    }
  }

  // -- the document's parts -------------------------------------------------------------------

  private soapPort(service: XmlElement, serviceName: string): XmlElement {
    const ports = this.children(service, WSDL_NS, 'port')
    const soap11 = ports.filter((port) => this.child(this.bindingOf(port), SOAP11_NS, 'binding'))
    if (soap11.length === 0) {
      const soap12 = ports.some((port) => this.child(this.bindingOf(port), SOAP12_NS, 'binding'))
      this.fail(service, `service ${serviceName} has no SOAP 1.1 port (a binding with soap:binding of ${SOAP11_NS})${soap12 ? ': SOAP 1.2 is not read' : ''}`)
    }
    if (soap11.length > 1) this.fail(soap11[1]!, `two SOAP 1.1 ports (${soap11.map((p) => this.nameOf(p)).join(', ')}): which address to call is not said`)
    return soap11[0]!
  }

  private bindingOf(port: XmlElement): XmlElement {
    const name = this.qname(port, 'binding')
    const binding = name.namespace === this.tns ? this.bindings.get(name.local) : undefined
    return binding ?? this.fail(port, `port ${this.nameOf(port)} names binding ${name.written}, which the document does not define`)
  }

  private servicePath(address: XmlElement): string {
    const location = address.attributes.get('location') ?? this.fail(address, 'soap:address needs a location')
    let url: URL
    try {
      url = new URL(location)
    } catch {
      this.fail(address, `location ${location} is not an absolute URL`)
    }
    if (url.search || url.hash) this.fail(address, 'the location must not hold a query or a fragment: every operation is posted to its path')
    const unsafe = unsafePath(url.pathname)
    if (unsafe) this.fail(address, unsafe)
    return url.pathname
  }

  private readBinding(binding: XmlElement, path: string): Map<string, DescribedOperation> {
    const bindingName = this.nameOf(binding)
    const soapBinding = this.child(binding, SOAP11_NS, 'binding')!
    const transport = soapBinding.attributes.get('transport')
    if (transport !== SOAP_HTTP) this.fail(soapBinding, `transport ${transport ?? '(none)'} is not read: only SOAP over HTTP (${SOAP_HTTP})`)
    const bindingStyle = soapBinding.attributes.get('style') ?? 'document'

    const portTypeName = this.qname(binding, 'type')
    const portType =
      (portTypeName.namespace === this.tns ? this.portTypes.get(portTypeName.local) : undefined) ??
      this.fail(binding, `binding ${bindingName} names portType ${portTypeName.written}, which the document does not define`)
    const abstract = new Map<string, XmlElement>()
    for (const operation of this.children(portType, WSDL_NS, 'operation')) {
      const name = this.nameOf(operation)
      if (abstract.has(name)) this.fail(operation, `two operations named ${name} (overloading is not read)`)
      abstract.set(name, operation)
    }

    const operations = new Map<string, DescribedOperation>()
    for (const child of binding.children) {
      if (child.namespace !== WSDL_NS) {
        if (child !== soapBinding) this.extension(child)
        continue
      }
      if (child.local === 'documentation') continue
      if (child.local !== 'operation') this.fail(child, `wsdl:${child.local} is not read in a binding`)
      const name = this.nameOf(child)
      if (operations.has(name)) this.fail(child, `two operations named ${name} (overloading is not read)`)
      const declared = abstract.get(name) ?? this.fail(child, `operation ${name} is not in portType ${portTypeName.local}`)
      operations.set(name, this.readOperation(child, declared, bindingStyle, path))
    }
    for (const [name, operation] of abstract) {
      if (!operations.has(name)) this.fail(operation, `operation ${name} has no binding in ${bindingName}`)
    }
    return operations
  }

  private readOperation(bound: XmlElement, declared: XmlElement, bindingStyle: string, path: string): DescribedOperation {
    const name = this.nameOf(bound)
    // The bound is per operation: a registry with many operations over one large type is not refused.
    this.expanded = 0
    const soapOperation = this.child(bound, SOAP11_NS, 'operation')
    const style = soapOperation?.attributes.get('style') ?? bindingStyle
    if (style === 'rpc') this.fail(soapOperation ?? bound, `operation ${name}: style rpc is not read: only document/literal`)
    if (style !== 'document') this.fail(soapOperation ?? bound, `operation ${name}: style ${style} is not read: only document/literal`)
    for (const child of bound.children) {
      if (child.namespace !== WSDL_NS && child !== soapOperation) this.extension(child)
    }

    const abstractIo = this.children(declared, WSDL_NS).filter((c) => c.local === 'input' || c.local === 'output')
    if (abstractIo[0]?.local !== 'input' || abstractIo[1]?.local !== 'output') {
      this.fail(declared, `operation ${name} is not request-response (an input, then an output): one-way and notification operations are not read`)
    }
    const boundInput = this.child(bound, WSDL_NS, 'input') ?? this.fail(bound, `operation ${name} binds no input`)
    const boundOutput = this.child(bound, WSDL_NS, 'output') ?? this.fail(bound, `operation ${name} binds no output`)
    for (const fault of this.children(bound, WSDL_NS, 'fault')) {
      const soapFault = this.child(fault, SOAP11_NS, 'fault')
      if (soapFault) this.literal(soapFault, name)
    }

    const inputMessage = this.message(abstractIo[0]!)
    const outputMessage = this.message(abstractIo[1]!)
    const request = this.bodyElement(boundInput, inputMessage, name)
    const response = this.bodyElement(boundOutput, outputMessage, name)
    const headers: DescribedSoapHeader[] = []
    for (const header of this.children(boundInput, SOAP11_NS, 'header')) {
      this.literal(header, name)
      const message = this.messageNamed(this.qname(header, 'message'), header)
      const partName = header.attributes.get('part') ?? this.fail(header, 'soap:header needs a part')
      const part = this.children(message, WSDL_NS, 'part').find((p) => p.attributes.get('name') === partName)
      if (!part) this.fail(header, `message ${this.nameOf(message)} has no part ${partName}`)
      const global = this.globalElement(this.partElement(part), part)
      const element = this.nameOf(global)
      if (headers.some((h) => h.element === element)) this.fail(header, `header ${element} is bound twice`)
      headers.push({ element, schema: this.contentOf(global, []) })
    }

    const responses: DescribedResponse[] = [
      { status: 200, mediaType: 'text/xml', schema: this.contentOf(response, []), examples: {} },
      { status: 500, mediaType: 'text/xml', schema: faultSchema(), examples: {} },
    ]
    return {
      id: name,
      method: 'POST',
      path,
      parameters: [],
      requestBody: { mediaType: 'text/xml', required: true, schema: this.contentOf(request, []), examples: {} },
      responses,
      // Every element is placed when the text could be scanned; the fallback only satisfies the type.
      place: bound.place ?? { line: 1, column: 1 },
      soap: {
        action: soapOperation?.attributes.get('soapAction') ?? '',
        namespace: this.schemaNs,
        qualified: this.qualified,
        requestElement: this.nameOf(request),
        responseElement: this.nameOf(response),
        headers,
      },
    }
  }

  private message(io: XmlElement): XmlElement {
    return this.messageNamed(this.qname(io, 'message'), io)
  }

  private messageNamed(name: QName, at: XmlElement): XmlElement {
    const message = name.namespace === this.tns ? this.messages.get(name.local) : undefined
    return message ?? this.fail(at, `message ${name.written} is not defined in the document`)
  }

  /** The one element a document/literal body carries: the message's part (or the one `parts` names). */
  private bodyElement(io: XmlElement, message: XmlElement, operation: string): XmlElement {
    const body = this.child(io, SOAP11_NS, 'body') ?? this.fail(io, `operation ${operation}: the ${io.local} has no soap:body`)
    this.literal(body, operation)
    let parts = this.children(message, WSDL_NS, 'part')
    const named = body.attributes.get('parts')
    if (named !== undefined) {
      const names = named.split(/\s+/).filter(Boolean)
      for (const partName of names) {
        if (!parts.some((p) => p.attributes.get('name') === partName)) this.fail(body, `message ${this.nameOf(message)} has no part ${partName}`)
      }
      parts = parts.filter((p) => names.includes(p.attributes.get('name') ?? ''))
    }
    if (parts.length !== 1) {
      this.fail(body, `operation ${operation}: the ${io.local} body has ${parts.length} parts: document/literal carries exactly one, an element`)
    }
    return this.globalElement(this.partElement(parts[0]!), parts[0]!)
  }

  private partElement(part: XmlElement): QName {
    if (!part.attributes.has('element')) {
      const kind = part.attributes.has('type') ? 'type= (rpc style)' : 'no element='
      this.fail(part, `part ${part.attributes.get('name') ?? ''} has ${kind}: a document/literal part names an element`)
    }
    return this.qname(part, 'element')
  }

  private literal(soapElement: XmlElement, operation: string): void {
    const use = soapElement.attributes.get('use')
    if (use === 'encoded') this.fail(soapElement, `operation ${operation}: use="encoded" (SOAP encoding) is not read: only literal`)
    if (use !== undefined && use !== 'literal') this.fail(soapElement, `operation ${operation}: use="${use}" is not read: only literal`)
  }

  /** An element of another vocabulary is ignored, unless it says the document cannot be read without it. */
  private extension(element: XmlElement): void {
    for (const [name, value] of element.attributes) {
      const colon = name.indexOf(':')
      if (colon !== -1 && name.slice(colon + 1) === 'required' && element.scope.get(name.slice(0, colon)) === WSDL_NS && value === 'true') {
        this.fail(element, `${element.name} is required (wsdl:required="true") and not read`)
      }
    }
  }

  // -- the schema -----------------------------------------------------------------------------

  private readTypes(types: XmlElement): void {
    const schemas: XmlElement[] = []
    for (const child of types.children) {
      if (child.namespace === WSDL_NS && child.local === 'documentation') continue
      if (child.namespace !== XSD_NS || child.local !== 'schema') this.fail(child, `${child.name} is not read in wsdl:types: only xs:schema`)
      schemas.push(child)
    }
    if (schemas.length > 1) this.fail(schemas[1]!, 'a second inline schema: only one is read (put every type in one xs:schema)')
    const schema = schemas[0]
    if (!schema) return
    this.schemaNs = schema.attributes.get('targetNamespace') ?? ''
    const form = schema.attributes.get('elementFormDefault') ?? 'unqualified'
    if (form !== 'qualified' && form !== 'unqualified') this.fail(schema, `elementFormDefault="${form}" is neither qualified nor unqualified`)
    this.qualified = form === 'qualified'
    for (const child of this.xsd(schema)) {
      switch (child.local) {
        case 'import': {
          const location = child.attributes.get('schemaLocation')
          if (location !== undefined) {
            this.fail(child, `xs:import of ${location} is refused: an external schema is not read (no network); put its types in this schema`)
          }
          this.fail(child, `xs:import of namespace ${child.attributes.get('namespace') ?? '(none)'} is refused: only one inline schema is read`)
          break
        }
        case 'include':
        case 'redefine':
        case 'override':
          this.fail(
            child,
            `xs:${child.local} of ${child.attributes.get('schemaLocation') ?? 'another schema'} is refused: an external schema is not read (no network); put its types in this schema`,
          )
          break
        case 'element':
          this.index(this.elements, child, 'element')
          break
        case 'complexType':
          this.index(this.complexTypes, child, 'complexType')
          break
        case 'simpleType':
          this.index(this.simpleTypes, child, 'simpleType')
          break
        default:
          this.fail(child, `xs:${child.local} is not read (a schema holds element, complexType and simpleType)`)
      }
    }
  }

  private globalElement(name: QName, at: XmlElement): XmlElement {
    if (name.namespace !== this.schemaNs || !this.elements.has(name.local)) {
      this.fail(
        at,
        `element ${name.written} is not declared in the inline schema${name.namespace !== this.schemaNs ? ` (namespace ${name.namespace || '(none)'})` : ''}`,
      )
    }
    return this.elements.get(name.local)!
  }

  /** The JSON Schema of an element's content: its type, inline or named, null allowed when nillable. */
  private contentOf(element: XmlElement, stack: readonly string[]): JsonSchema {
    if (++this.expanded > MAX_EXPANDED_NODES) this.fail(element, `the schema expands to more than ${MAX_EXPANDED_NODES} elements once its types are inlined`)
    const name = this.nameOf(element)
    if (element.attributes.has('substitutionGroup') || element.attributes.get('abstract') === 'true') {
      this.fail(element, `element ${name}: substitution groups and abstract elements are not read`)
    }
    let inline: XmlElement | undefined
    for (const child of this.xsd(element)) {
      if (child.local !== 'complexType' && child.local !== 'simpleType') this.fail(child, `xs:${child.local} in an element is not read`)
      if (inline) this.fail(child, `element ${name} has two types`)
      inline = child
    }
    const typeAttribute = element.attributes.get('type')
    if (typeAttribute !== undefined && inline) this.fail(element, `element ${name} has both type= and an inline type`)
    let schema: JsonSchema
    if (typeAttribute !== undefined) schema = this.namedType(this.qname(element, 'type'), element, stack)
    else if (inline?.local === 'complexType') schema = this.complexType(inline, stack)
    else if (inline) schema = this.simpleType(inline, stack).schema
    else this.fail(element, `element ${name} has no type: its content (xs:anyType) cannot be checked`)
    const nillable = element.attributes.get('nillable')
    if (nillable === 'true') return { ...schema, nullable: true }
    if (nillable !== undefined && nillable !== 'false') this.fail(element, `nillable="${nillable}" is neither true nor false`)
    return schema
  }

  private namedType(name: QName, at: XmlElement, stack: readonly string[]): JsonSchema {
    if (name.namespace === XSD_NS) return this.builtin(name, at).schema
    if (name.namespace === this.schemaNs) {
      const complex = this.complexTypes.get(name.local)
      if (complex) return this.complexType(complex, this.enter(stack, `complexType ${name.local}`, at))
      const simple = this.simpleTypes.get(name.local)
      if (simple) return this.simpleType(simple, this.enter(stack, `simpleType ${name.local}`, at)).schema
    }
    this.fail(at, `unknown type ${name.written}: it is not declared in the inline schema`)
  }

  private builtin(name: QName, at: XmlElement): Simple {
    const builtin = Object.hasOwn(BUILTINS, name.local) ? BUILTINS[name.local] : undefined
    if (!builtin) this.fail(at, `unknown type ${name.written}: the XML Schema types read are ${BUILTIN_NAMES}`)
    return { base: builtin.base, schema: builtin.schema() as Record<string, unknown> }
  }

  /** A type may not contain itself: its JSON Schema would be infinite. */
  private enter(stack: readonly string[], key: string, at: XmlElement): readonly string[] {
    if (stack.includes(key)) {
      const names = [...stack.slice(stack.indexOf(key)), key].map((k) => k.split(' ')[1])
      this.fail(at, `recursive type: ${names.join(' → ')} (a type that contains itself is not read)`)
    }
    return [...stack, key]
  }

  private complexType(type: XmlElement, stack: readonly string[]): JsonSchema {
    if (type.attributes.get('mixed') === 'true') this.fail(type, 'mixed content (text between elements) is not read')
    let group: XmlElement | undefined
    for (const child of this.xsd(type)) {
      switch (child.local) {
        case 'sequence':
        case 'all':
          if (group) this.fail(child, `a second content group (xs:${child.local})`)
          group = child
          break
        case 'attribute':
        case 'attributeGroup':
        case 'anyAttribute':
          this.fail(child, `xs:${child.local} is not read: a value in an attribute would be lost`)
          break
        case 'choice':
          this.fail(child, 'xs:choice is not read: only a sequence or all of elements')
          break
        case 'complexContent':
        case 'simpleContent':
          this.fail(child, `xs:${child.local} (a type derived from another) is not read: write the type's elements in one sequence`)
          break
        default:
          this.fail(child, `xs:${child.local} is not read in a complexType`)
      }
    }
    const properties: Record<string, unknown> = {}
    const required: string[] = []
    if (group) {
      const groupMin = group.attributes.get('minOccurs') ?? '1'
      const groupMax = group.attributes.get('maxOccurs') ?? '1'
      if (groupMin !== '1' || groupMax !== '1')
        this.fail(group, `an optional or repeated xs:${group.local} is not read: put minOccurs/maxOccurs on its elements`)
      for (const child of this.xsd(group)) {
        if (child.local !== 'element') {
          this.fail(
            child,
            child.local === 'any' ? 'xs:any is not read: content the schema does not describe cannot be checked' : `a nested xs:${child.local} is not read`,
          )
        }
        const declared = this.declared(child, stack)
        if (declared.max === 0) continue
        if (group.local === 'all' && declared.max !== 1) this.fail(child, 'an element of xs:all appears at most once')
        if (Object.hasOwn(properties, declared.name)) this.fail(child, `two elements named ${declared.name} in one type: not read as one object`)
        const many = declared.max === 'unbounded' || declared.max > 1
        const schema = many
          ? {
              type: 'array',
              items: declared.schema,
              ...(declared.min > 0 ? { minItems: declared.min } : {}),
              ...(declared.max === 'unbounded' ? {} : { maxItems: declared.max }),
            }
          : declared.schema
        // Defined, not assigned, so an element named __proto__ stays a property; the properties are
        // kept in the sequence's order, which the request writer follows.
        Object.defineProperty(properties, declared.name, { value: schema, enumerable: true, writable: true, configurable: true })
        if (declared.min > 0) required.push(declared.name)
      }
    }
    return { type: 'object', properties, ...(required.length ? { required } : {}) }
  }

  /** An element inside a content group: its name, content and occurrences. */
  private declared(element: XmlElement, stack: readonly string[]): Declared {
    // minOccurs is never unbounded: only maxOccurs may say so.
    const min = this.occurs(element, 'minOccurs') as number
    const max = this.occurs(element, 'maxOccurs')
    if (max !== 'unbounded' && min > max) this.fail(element, `minOccurs ${min} is more than maxOccurs ${max}`)
    if (element.attributes.has('ref')) {
      // A referenced element is global, hence always in the namespace: with unqualified locals,
      // its siblings would not be.
      if (!this.qualified) this.fail(element, 'ref= in a schema whose elementFormDefault is unqualified is not read')
      const global = this.globalElement(this.qname(element, 'ref'), element)
      const name = this.nameOf(global)
      return { name, schema: this.contentOf(global, this.enter(stack, `element ${name}`, element)), min, max }
    }
    const name = element.attributes.get('name') ?? this.fail(element, 'an element needs a name or a ref')
    const form = element.attributes.get('form')
    if (form !== undefined && form !== (this.qualified ? 'qualified' : 'unqualified')) {
      this.fail(element, `form="${form}" differs from the schema's elementFormDefault: not read`)
    }
    return { name, schema: this.contentOf(element, stack), min, max }
  }

  private occurs(element: XmlElement, attribute: 'minOccurs' | 'maxOccurs'): number | 'unbounded' {
    const raw = element.attributes.get(attribute)
    if (raw === undefined) return 1
    if (attribute === 'maxOccurs' && raw === 'unbounded') return 'unbounded'
    if (!/^\d{1,9}$/.test(raw)) this.fail(element, `${attribute}="${raw}" is not a count`)
    return Number(raw)
  }

  private simpleType(type: XmlElement, stack: readonly string[]): Simple {
    const content = this.xsd(type)
    const restriction = content[0]
    if (!restriction || content.length > 1) this.fail(type, 'a simpleType holds one xs:restriction')
    if (restriction.local !== 'restriction') this.fail(restriction, `xs:${restriction.local} is not read: only xs:restriction`)
    const facets = this.xsd(restriction)
    const inline = facets.find((f) => f.local === 'simpleType')
    const baseName = restriction.attributes.get('base')
    if (baseName !== undefined && inline) this.fail(restriction, 'a restriction has both base= and an inline simpleType')
    let base: Simple
    if (baseName !== undefined) base = this.simpleNamed(this.qname(restriction, 'base'), restriction, stack)
    else if (inline) base = this.simpleType(inline, stack)
    else this.fail(restriction, 'a restriction needs a base')

    const schema: Record<string, unknown> = { ...base.schema }
    const enumeration: string[] = []
    const patterns: string[] = []
    for (const facet of facets) {
      if (facet === inline) continue
      const value = facet.attributes.get('value') ?? this.fail(facet, `xs:${facet.local} needs a value`)
      switch (facet.local) {
        case 'enumeration':
          enumeration.push(value)
          break
        case 'pattern':
          patterns.push(value)
          break
        case 'length':
        case 'minLength':
        case 'maxLength': {
          if (base.base !== 'string') this.fail(facet, `xs:${facet.local} applies to text, not to a ${base.base}`)
          if (!/^\d{1,9}$/.test(value)) this.fail(facet, `xs:${facet.local} value ${value} is not a count`)
          if (facet.local !== 'maxLength') schema.minLength = Number(value)
          if (facet.local !== 'minLength') schema.maxLength = Number(value)
          break
        }
        case 'minInclusive':
        case 'maxInclusive':
        case 'minExclusive':
        case 'maxExclusive': {
          if (base.base !== 'integer')
            this.fail(facet, `xs:${facet.local} on a ${base.base} is not read: it is kept as text, where the bound cannot be checked`)
          if (!/^[+-]?\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
            this.fail(facet, `xs:${facet.local} value ${value} is not an integer the check can hold`)
          const bound = Number(value)
          if (facet.local.startsWith('min')) {
            const minimum = facet.local === 'minInclusive' ? bound : bound + 1
            schema.minimum = typeof schema.minimum === 'number' ? Math.max(schema.minimum, minimum) : minimum
          } else {
            const maximum = facet.local === 'maxInclusive' ? bound : bound - 1
            schema.maximum = typeof schema.maximum === 'number' ? Math.min(schema.maximum, maximum) : maximum
          }
          break
        }
        // A normalisation, not a constraint: the text is read as written.
        case 'whiteSpace':
          break
        default:
          this.fail(
            facet,
            `xs:${facet.local} is not read (the facets read: enumeration, pattern, length, minLength, maxLength, min/maxInclusive, min/maxExclusive)`,
          )
      }
    }
    if (enumeration.length) {
      if (base.base === 'integer') {
        schema.enum = enumeration.map((value) => {
          if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) this.fail(restriction, `enumeration value ${value} is not an integer`)
          return Number(value)
        })
      } else if (base.base === 'boolean') this.fail(restriction, 'an enumeration of booleans is not read')
      else schema.enum = enumeration
    }
    if (patterns.length) {
      if (base.base === 'integer' || base.base === 'boolean') {
        this.fail(
          restriction,
          `xs:pattern on a ${base.base} is not read: the value is read as a ${base.base === 'integer' ? 'number' : 'boolean'}, not as text`,
        )
      }
      // Patterns of one restriction are alternatives; a base's pattern must hold as well.
      const pattern = this.pattern(patterns.length === 1 ? patterns[0]! : patterns.map((p) => `(?:${p})`).join('|'), restriction)
      if (schema.pattern === undefined) schema.pattern = pattern
      else schema.allOf = [...((schema.allOf as unknown[]) ?? []), { type: 'string', pattern }]
    }
    return { base: base.base, schema }
  }

  private simpleNamed(name: QName, at: XmlElement, stack: readonly string[]): Simple {
    if (name.namespace === XSD_NS) return this.builtin(name, at)
    if (name.namespace === this.schemaNs) {
      const simple = this.simpleTypes.get(name.local)
      if (simple) return this.simpleType(simple, this.enter(stack, `simpleType ${name.local}`, at))
      if (this.complexTypes.has(name.local)) this.fail(at, `${name.written} is a complexType: a restriction needs a simple base`)
    }
    this.fail(at, `unknown type ${name.written}: it is not declared in the inline schema`)
  }

  /**
   * An XML Schema pattern as the JSON Schema pattern the answer check compiles (`new RegExp(p)`,
   * no flags): anchored, since XML Schema patterns match the whole value, with `^` and `$` as the
   * plain characters they are there. Constructs whose meaning would change are refused.
   */
  private pattern(xsd: string, at: XmlElement): string {
    if (/\\[pP]\{/.test(xsd)) this.fail(at, `pattern ${xsd}: \\p{…} classes are not read (the answer check compiles patterns without Unicode classes)`)
    if (/\\[iIcC]/.test(xsd)) this.fail(at, `pattern ${xsd}: \\i and \\c (XML name characters) are not read`)
    if (/-\[/.test(xsd)) this.fail(at, `pattern ${xsd}: character class subtraction is not read`)
    let out = ''
    let inClass = false
    for (let i = 0; i < xsd.length; i++) {
      const char = xsd[i]!
      if (char === '\\') {
        out += char + (xsd[i + 1] ?? '')
        i++
      } else if (char === '[') {
        inClass = true
        out += char
      } else if (char === ']') {
        inClass = false
        out += char
      } else if (!inClass && (char === '^' || char === '$')) out += `\\${char}`
      else out += char
    }
    const anchored = `^(?:${out})$`
    try {
      new RegExp(anchored)
    } catch {
      this.fail(at, `pattern ${xsd} is not a regular expression the gateway can check`)
    }
    return anchored
  }

  // -- helpers ----------------------------------------------------------------------------------

  /** XML Schema children, annotations aside; anything of another vocabulary is refused. */
  private xsd(parent: XmlElement): XmlElement[] {
    const out: XmlElement[] = []
    for (const child of parent.children) {
      if (child.namespace !== XSD_NS) this.fail(child, `${child.name} is not XML Schema and is not read here`)
      if (child.local !== 'annotation') out.push(child)
    }
    return out
  }

  private children(parent: XmlElement, namespace: string, local?: string): XmlElement[] {
    return parent.children.filter((c) => c.namespace === namespace && (local === undefined || c.local === local))
  }

  private child(parent: XmlElement, namespace: string, local: string): XmlElement | undefined {
    return parent.children.find((c) => c.namespace === namespace && c.local === local)
  }

  private nameOf(element: XmlElement): string {
    return element.attributes.get('name') ?? this.fail(element, `${element.local} needs a name`)
  }

  private index(into: Map<string, XmlElement>, element: XmlElement, kind: string): void {
    const name = this.nameOf(element)
    if (into.has(name)) this.fail(element, `two ${kind}s named ${name}`)
    into.set(name, element)
  }

  /** A `prefix:local` attribute value, resolved with the namespaces in scope where it is written. */
  private qname(element: XmlElement, attribute: string): QName {
    const written = element.attributes.get(attribute) ?? this.fail(element, `${element.local} needs ${attribute}=`)
    const colon = written.indexOf(':')
    const prefix = colon === -1 ? '' : written.slice(0, colon)
    const namespace = element.scope.get(prefix)
    if (namespace === undefined && prefix !== '') this.fail(element, `${attribute}="${written}": the prefix ${prefix} is not declared`)
    return { namespace: namespace ?? '', local: colon === -1 ? written : written.slice(colon + 1), written }
  }

  /** Names every element by its path, `definitions.types.schema.complexType[ThuaDat].sequence.element[SoThua]`. */
  private label(element: XmlElement, parent: Path): void {
    const key = element.attributes.get('name') ?? element.attributes.get('ref') ?? element.attributes.get('part')
    const local = element.namespace === SOAP11_NS ? `soap:${element.local}` : element.local
    const path = [...parent, key === undefined ? local : `${local}[${key}]`]
    this.pathOf.set(element, path)
    const joined = path.join('.')
    if (element.place && !this.places.has(joined)) this.places.set(joined, element.place)
    for (const child of element.children) this.label(child, path)
  }

  private fail(at: XmlElement, problem: string): never {
    throw new DescriptionError(this.file, this.pathOf.get(at) ?? [], problem, at.place)
  }
}
