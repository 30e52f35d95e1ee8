/**
 * A source's own description, read into one shape whatever its format (OpenAPI 3.x, WSDL 1.1): the
 * operations the source offers, each with its parameters, request body and answers, schemas as
 * plain JSON Schema objects with every local `$ref` already inlined. The mapping checks against
 * this, the engine calls through it, and the replay sandbox answers from its examples.
 */

/** A JSON Schema object (OpenAPI 3.0 dialect: `nullable`, or 3.1: `type: [.., 'null']`), refs inlined. */
export type JsonSchema = { readonly [keyword: string]: unknown }

/** A place in a description file, 1-based, for error messages. */
export interface SourcePlace {
  line: number
  column: number
}

export interface DescribedParameter {
  name: string
  in: 'path' | 'query' | 'header'
  required: boolean
  schema: JsonSchema
  /** Named examples (`examples: { name: { value } }`; a lone `example` is named `default`). */
  examples: Readonly<Record<string, unknown>>
}

export interface DescribedBody {
  /**
   * OpenAPI: only JSON bodies are described, `application/json` (or `+json`). WSDL: `text/xml`, and
   * the schema is the request element's content as JSON (`soap-xml.ts` writes it as XML).
   */
  mediaType: string
  required: boolean
  schema: JsonSchema
  examples: Readonly<Record<string, unknown>>
}

export interface DescribedResponse {
  /** An HTTP status; the description's `default` answer is not kept. */
  status: number
  /** Absent when the answer has no JSON body. WSDL: `text/xml`, the schema the response element's content as JSON. */
  mediaType?: string
  schema?: JsonSchema
  examples: Readonly<Record<string, unknown>>
}

export interface DescribedOperation {
  /** `operationId`: every operation of a described source must have one. */
  id: string
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** The path template as written, e.g. `/api/v1/so-bhxh/{maSo}`. */
  path: string
  parameters: readonly DescribedParameter[]
  requestBody?: DescribedBody
  responses: readonly DescribedResponse[]
  /** Where the operation is written (its method key; WSDL: its binding operation). */
  place: SourcePlace
  /** How a WSDL operation is called (SOAP 1.1, document/literal); absent for OpenAPI. */
  soap?: DescribedSoap
}

/** A SOAP 1.1 document/literal call: one request element in the body, its answer one response element. */
export interface DescribedSoap {
  /** The `SOAPAction`, unquoted (sent quoted in the header); may be empty. */
  action: string
  /** The schema's targetNamespace: the request, response and header elements are in it. */
  namespace: string
  /**
   * Whether the elements inside the request element are in the namespace too
   * (`elementFormDefault="qualified"`), or in none.
   */
  qualified: boolean
  /** The body element of the request (its content is `requestBody.schema`). */
  requestElement: string
  /** The body element of the answer (its content is the 200 response's schema). */
  responseElement: string
  /** The binding's `soap:header` parts of the request, in the order written. */
  headers: readonly DescribedSoapHeader[]
}

export interface DescribedSoapHeader {
  /** The header element's name, in `namespace`. */
  element: string
  /** Its content as JSON. */
  schema: JsonSchema
}

/** An API key the source asks for (`securitySchemes` of type apiKey in a header). */
export interface DescribedApiKey {
  scheme: string
  header: string
}

/**
 * OAuth 2.0 client credentials the source asks for (`securitySchemes` of type oauth2 with a
 * `clientCredentials` flow): a token from `tokenUrl`, sent as a bearer token on every call.
 */
export interface DescribedOAuth {
  scheme: string
  /** An absolute http(s) URL, as the description writes it. */
  tokenUrl: string
  /** The scopes the flow declares. */
  scopes: readonly string[]
}

export interface SourceDescription {
  kind: 'openapi' | 'wsdl'
  /** The file it was read from, as given (for error messages). */
  file: string
  title: string
  /** `info.version`; WSDL 1.1 carries none: empty. */
  version: string
  operations: ReadonlyMap<string, DescribedOperation>
  /** API keys the source requires on every operation (global `security`). */
  apiKeys: readonly DescribedApiKey[]
  /** OAuth client credentials flows the source requires on every operation (global `security`). */
  oauth: readonly DescribedOAuth[]
  /** The source requires a client certificate (OpenAPI 3.1's `mutualTLS` scheme in the global `security`). */
  mutualTls: boolean
  /**
   * Where a path of the document is written (keys and indexes as in the file), if it is. WSDL:
   * the element path of its messages, e.g. `definitions.binding[DatDaiSoap].operation[TraCuuThuaDat]`.
   */
  placeOf(path: ReadonlyArray<string | number>): SourcePlace | undefined
}

/** A description that cannot be used, naming the file, the place and the path in the document. */
export class DescriptionError extends Error {
  constructor(
    readonly file: string,
    readonly path: ReadonlyArray<string | number>,
    readonly problem: string,
    readonly place?: SourcePlace,
  ) {
    super(`${file}${place ? `:${place.line}:${place.column}` : ''}: ${path.length ? `${path.join('.')}: ` : ''}${problem}`)
    this.name = 'DescriptionError'
  }
}

/** A mapping file that cannot be used: the same shape of message, naming the mapping file. */
export class MappingError extends DescriptionError {
  constructor(file: string, path: ReadonlyArray<string | number>, problem: string, place?: SourcePlace) {
    super(file, path, problem, place)
    this.name = 'MappingError'
  }
}

/** Every problem found in a connector's files at once, one per line, so one edit can fix them all. */
export class ConnectorFilesError extends Error {
  constructor(
    readonly connector: string,
    readonly problems: readonly DescriptionError[],
  ) {
    super(`connector ${connector}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${p.message}`).join('\n')}`)
    this.name = 'ConnectorFilesError'
  }
}
