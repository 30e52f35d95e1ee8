import {
  type DescribedApiKey,
  type DescribedOAuth,
  type DescribedBody,
  type DescribedOperation,
  type DescribedParameter,
  type DescribedResponse,
  DescriptionError,
  type JsonSchema,
  type SourceDescription,
} from './description.js'
import { type PlacedYaml, readPlacedYaml, YamlSyntaxError } from './yaml-places.js'

/**
 * Reads an OpenAPI 3.0.x or 3.1.x document (YAML or JSON text) into a `SourceDescription`, every
 * local `$ref` inlined. Pure and runtime-neutral: it is given the text, never reads a file or the
 * network, so a description can be checked wherever the gateway runs.
 */
export function readOpenApi(text: string, file: string): SourceDescription {
  let placed: PlacedYaml
  try {
    placed = readPlacedYaml(text)
  } catch (error) {
    if (error instanceof YamlSyntaxError) throw new DescriptionError(file, [], error.problem, error.place)
    throw error
  }
  return new Reader(file, placed.value, placed).read()
}

type Path = ReadonlyArray<string | number>
type JsonObject = { [key: string]: unknown }
type Method = DescribedOperation['method']

const METHODS: ReadonlyMap<string, Method> = new Map([
  ['get', 'GET'],
  ['post', 'POST'],
  ['put', 'PUT'],
  ['patch', 'PATCH'],
  ['delete', 'DELETE'],
])
const PATH_ITEM_FIELDS = new Set(['parameters', 'summary', 'description', 'servers'])
/** The spec says a header parameter with one of these names is ignored: HTTP itself carries them. */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization'])

/** Schema keywords whose value is one subschema, a list of them, or a map of names to them. */
const SUBSCHEMA = new Set([
  'additionalProperties',
  'additionalItems',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
])
const SUBSCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems'])
const SUBSCHEMA_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions'])
/** A 3.1 `$ref` with only these beside it keeps its target's meaning: they can be laid over a copy. */
const ANNOTATIONS = new Set(['description', 'summary', 'title', 'deprecated', 'readOnly', 'writeOnly', 'example', 'examples', 'default', '$comment'])

interface Resolved {
  value: JsonObject
  /** Where the value is written in the document, for error messages and places. */
  path: Path
  /** The refs followed to reach it, outermost first, to refuse a ref that reaches itself. */
  chain: readonly string[]
}

/** Far beyond any registry's description; a file past it is built to exhaust the reader. */
const MAX_EXPANDED_NODES = 50_000

/**
 * Why a path template could leave the registry's base URL, or undefined when it cannot: each
 * segment literal characters and `{name}` parameters, never `.` or `..`, a backslash, an empty
 * segment (`//`: a scheme-relative URL), a scheme, a query or a fragment.
 */
export function unsafePath(template: string): string | undefined {
  if (/[\\?#\s]/.test(template)) return 'a path must not hold a backslash, a query, a fragment or spaces'
  const segments = template.slice(1).split('/')
  for (const [i, segment] of segments.entries()) {
    if (segment === '' && i < segments.length - 1) return 'a path must not hold an empty segment (//)'
    if (segment === '.' || segment === '..') return 'a path must not hold . or .. segments'
    if (!/^([\p{L}\p{N}._~!$&'()*+,;=:@%-]|\{[^{}/]+\})*$/u.test(segment)) return `the path segment ${segment} holds characters a path cannot`
  }
  return undefined
}

class Reader {
  private is31 = false

  constructor(
    private readonly file: string,
    private readonly root: unknown,
    private readonly places: Pick<PlacedYaml, 'placeOf' | 'nearestPlaceOf'>,
  ) {}

  read(): SourceDescription {
    const root = this.root
    if (!isObject(root)) this.fail([], 'expected an OpenAPI document (a map at the top level)')
    this.refuseCycles(root, [], [])
    const version = root.openapi
    if (typeof version !== 'string' || !/^3\.[01]\.\d+$/.test(version)) {
      this.fail(['openapi'], `expected openapi: 3.0.x or 3.1.x, found ${version === undefined ? 'none' : JSON.stringify(version)}`)
    }
    this.is31 = version.startsWith('3.1.')
    const info = root.info
    if (!isObject(info)) this.fail(['info'], 'missing info (with title and version)')
    if (typeof info.title !== 'string' || info.title.trim() === '') this.fail(['info', 'title'], 'missing info.title')
    // Unquoted `version: 1.0` is read as the number 1: refused rather than shown as "1".
    if (typeof info.version !== 'string' || info.version.trim() === '') this.fail(['info', 'version'], 'missing info.version (a string: quote it)')
    const paths = root.paths
    if (!isObject(paths)) this.fail(['paths'], 'missing paths')

    const operations = new Map<string, DescribedOperation>()
    const firstPathOf = new Map<string, Path>()
    const shapes = new Map<string, string>()
    for (const [template, rawItem] of Object.entries(paths)) {
      const itemPath = ['paths', template]
      if (!template.startsWith('/')) this.fail(itemPath, 'a path must start with /')
      const unsafe = unsafePath(template)
      if (unsafe) this.fail(itemPath, unsafe)
      const item = this.deref(rawItem ?? {}, itemPath, [])
      const shared = this.readParameterList(item.value.parameters, [...item.path, 'parameters'], item.chain)
      for (const [key, rawOperation] of Object.entries(item.value)) {
        if (PATH_ITEM_FIELDS.has(key) || key.startsWith('x-') || key === '$ref') continue
        const method = METHODS.get(key)
        const operationPath = [...item.path, key]
        if (!method) this.fail(operationPath, `${key} is not an operation the gateway calls (get, post, put, patch or delete)`)
        const operation = this.readOperation(template, method, rawOperation, operationPath, item.chain, shared)
        const earlier = firstPathOf.get(operation.id)
        if (earlier) {
          const at = this.places.placeOf(earlier)
          this.fail([...operationPath, 'operationId'], `duplicate operationId ${operation.id} (first at ${at ? `line ${at.line}, ` : ''}${earlier.join('.')})`)
        }
        // `/a/{x}` and `/a/{y}` are one route: a request could not tell which operation it is.
        const shape = `${method} ${template.replace(/\{[^}]*\}/g, '{}')}`
        const twin = shapes.get(shape)
        if (twin) this.fail(operationPath, `same method and path as operation ${twin}`)
        shapes.set(shape, operation.id)
        firstPathOf.set(operation.id, [...operationPath, 'operationId'])
        operations.set(operation.id, operation)
      }
    }

    return {
      kind: 'openapi',
      file: this.file,
      title: info.title,
      version: info.version,
      operations,
      ...this.readSecurity(root),
      placeOf: this.places.placeOf,
    }
  }

  private readOperation(
    template: string,
    method: Method,
    raw: unknown,
    path: Path,
    chain: readonly string[],
    shared: readonly Located<DescribedParameter>[],
  ): DescribedOperation {
    if (!isObject(raw)) this.fail(path, 'an operation must be a map')
    // The method key is always in the file; the fallback only satisfies the type.
    const place = this.places.nearestPlaceOf(path) ?? { line: 1, column: 1 }
    if (typeof raw.operationId !== 'string' || raw.operationId.trim() === '') this.fail(path, 'an operation needs an operationId')
    const own = this.readParameterList(raw.parameters, [...path, 'parameters'], chain)
    // The operation's own parameter replaces the path item's one with the same name and location.
    const merged = [...shared.filter((p) => !own.some((o) => o.value.name === p.value.name && o.value.in === p.value.in)), ...own]

    const inTemplate = [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] as string)
    for (const name of inTemplate) {
      if (!merged.some((p) => p.value.in === 'path' && p.value.name === name)) this.fail(path, `path template parameter {${name}} has no in: path parameter`)
    }
    for (const parameter of merged) {
      if (parameter.value.in === 'path' && !inTemplate.includes(parameter.value.name)) {
        this.fail(parameter.path, `path parameter ${parameter.value.name} is not in the path template ${template}`)
      }
    }

    const operation: DescribedOperation = {
      id: raw.operationId,
      method,
      path: template,
      parameters: merged.map((p) => p.value),
      responses: this.readResponses(raw.responses, [...path, 'responses'], chain),
      place,
    }
    if (raw.requestBody !== undefined) operation.requestBody = this.readBody(raw.requestBody, [...path, 'requestBody'], chain)
    return operation
  }

  private readParameterList(raw: unknown, path: Path, chain: readonly string[]): Located<DescribedParameter>[] {
    if (raw === undefined) return []
    if (!Array.isArray(raw)) this.fail(path, 'parameters must be a list')
    const out: Located<DescribedParameter>[] = []
    raw.forEach((entry, index) => {
      const parameter = this.readParameter(entry, [...path, index], chain)
      if (!parameter) return
      if (out.some((p) => p.value.name === parameter.value.name && p.value.in === parameter.value.in)) {
        this.fail(parameter.path, `duplicate parameter ${parameter.value.name} in ${parameter.value.in}`)
      }
      out.push(parameter)
    })
    return out
  }

  private readParameter(raw: unknown, at: Path, outer: readonly string[]): Located<DescribedParameter> | undefined {
    const { value, path, chain } = this.deref(raw, at, outer)
    if (typeof value.name !== 'string' || value.name === '') this.fail(path, 'a parameter needs a name')
    const where = value.in
    if (where === 'cookie') this.fail([...path, 'in'], `cookie parameter ${value.name} is refused: the gateway sends no cookies`)
    if (where !== 'path' && where !== 'query' && where !== 'header') this.fail([...path, 'in'], `parameter ${value.name}: in must be path, query or header`)
    if (where === 'header' && IGNORED_HEADERS.has(value.name.toLowerCase())) return undefined
    if (where === 'path' && value.required !== true) {
      this.fail(value.required === undefined ? path : [...path, 'required'], `path parameter ${value.name} must be required: true`)
    }

    let schema: JsonSchema = {}
    let examples = this.readExamples(value, path, chain)
    if (value.schema !== undefined) {
      schema = this.topSchema(value.schema, [...path, 'schema'], chain)
    } else if (value.content !== undefined) {
      // A parameter described by `content` has exactly one media type, carrying schema and examples.
      if (!isObject(value.content)) this.fail([...path, 'content'], 'content must be a map of media types')
      const [mediaType, media] = Object.entries(value.content)[0] ?? []
      if (mediaType !== undefined) {
        const mediaPath = [...path, 'content', mediaType]
        if (!isObject(media)) this.fail(mediaPath, 'a media type must be a map')
        if (media.schema !== undefined) schema = this.topSchema(media.schema, [...mediaPath, 'schema'], chain)
        examples = { ...this.readExamples(media, mediaPath, chain), ...examples }
      }
    }
    return { value: { name: value.name, in: where, required: value.required === true, schema, examples }, path }
  }

  private readBody(raw: unknown, at: Path, outer: readonly string[]): DescribedBody {
    const { value, path, chain } = this.deref(raw, at, outer)
    const media = this.jsonMedia(value.content, [...path, 'content'])
    if (!media) this.fail([...path, 'content'], `no JSON media type (application/json or */*+json) among: ${mediaTypesOf(value.content)}`)
    const mediaPath = [...path, 'content', media.mediaType]
    return {
      mediaType: media.mediaType,
      required: value.required === true,
      schema: media.value.schema === undefined ? {} : this.topSchema(media.value.schema, [...mediaPath, 'schema'], chain),
      examples: this.readExamples(media.value, mediaPath, chain),
    }
  }

  private readResponses(raw: unknown, path: Path, outer: readonly string[]): DescribedResponse[] {
    // 3.0 requires responses; 3.1 lets an operation leave them out.
    if (raw === undefined) return []
    if (!isObject(raw)) this.fail(path, 'responses must be a map of statuses')
    const out: DescribedResponse[] = []
    for (const [key, entry] of Object.entries(raw)) {
      if (key === 'default' || /^[1-5]XX$/i.test(key) || key.startsWith('x-')) continue
      if (!/^[1-5][0-9]{2}$/.test(key)) this.fail([...path, key], `${key} is not an HTTP status`)
      const status = Number(key)
      // Interim answers never end a call.
      if (status < 200) continue
      const { value, path: at, chain } = this.deref(entry, [...path, key], outer)
      const media = value.content === undefined ? undefined : this.jsonMedia(value.content, [...at, 'content'])
      const response: DescribedResponse = { status, examples: {} }
      if (media) {
        const mediaPath = [...at, 'content', media.mediaType]
        response.mediaType = media.mediaType
        if (media.value.schema !== undefined) response.schema = this.topSchema(media.value.schema, [...mediaPath, 'schema'], chain)
        response.examples = this.readExamples(media.value, mediaPath, chain)
      }
      out.push(response)
    }
    return out
  }

  /** `application/json` first, else the first `+json` type (media type parameters allowed). */
  private jsonMedia(content: unknown, path: Path): { mediaType: string; value: JsonObject } | undefined {
    if (content === undefined) return undefined
    if (!isObject(content)) this.fail(path, 'content must be a map of media types')
    const keys = Object.keys(content)
    const essence = (key: string) => key.split(';')[0]!.trim().toLowerCase()
    const mediaType = keys.find((key) => essence(key) === 'application/json') ?? keys.find((key) => /^[\w.!#$&^+-]+\/[\w.!#$&^+-]+\+json$/.test(essence(key)))
    if (mediaType === undefined) return undefined
    const value = content[mediaType] ?? {}
    if (!isObject(value)) this.fail([...path, mediaType], 'a media type must be a map')
    return { mediaType, value }
  }

  private readExamples(holder: JsonObject, path: Path, chain: readonly string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    if (holder.examples !== undefined) {
      if (!isObject(holder.examples)) this.fail([...path, 'examples'], 'examples must be a map of names to example objects')
      for (const [name, raw] of Object.entries(holder.examples)) {
        const example = this.deref(raw, [...path, 'examples', name], chain)
        if (example.value.externalValue !== undefined) {
          this.fail([...example.path, 'externalValue'], 'externalValue is refused (no network): give the example inline as value')
        }
        if (Object.hasOwn(example.value, 'value')) setOwn(out, name, copyJson(example.value.value))
      }
    }
    if (Object.hasOwn(holder, 'example') && !Object.hasOwn(out, 'default')) out.default = copyJson(holder.example)
    return out
  }

  private readSecurity(root: JsonObject): { apiKeys: DescribedApiKey[]; oauth: DescribedOAuth[]; mutualTls: boolean } {
    const keys: DescribedApiKey[] = []
    const oauth: DescribedOAuth[] = []
    let mutualTls = false
    if (root.security === undefined) return { apiKeys: keys, oauth, mutualTls }
    if (!Array.isArray(root.security)) this.fail(['security'], 'security must be a list of requirement objects')
    const components = isObject(root.components) ? root.components : {}
    const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {}
    // Alternatives are not told apart: every API key named anywhere is asked of every call.
    root.security.forEach((requirement, index) => {
      if (!isObject(requirement)) this.fail(['security', index], 'a security requirement must be a map of scheme names')
      for (const name of Object.keys(requirement)) {
        if (!Object.hasOwn(schemes, name)) this.fail(['security', index, name], `unknown security scheme ${name} (not in components.securitySchemes)`)
        const { value: scheme, path } = this.deref(schemes[name], ['components', 'securitySchemes', name], [])
        if (scheme.type === 'mutualTLS') {
          mutualTls = true
          continue
        }
        if (scheme.type === 'oauth2') {
          const flow = isObject(scheme.flows) && isObject(scheme.flows.clientCredentials) ? scheme.flows.clientCredentials : undefined
          // Other flows need a person at a browser: a gateway, calling on its own, cannot take them.
          if (!flow) this.fail([...path, 'flows'], `OAuth ${name} offers no clientCredentials flow, the only one a gateway calling on its own can use`)
          const tokenUrl = flow.tokenUrl
          let parsed: URL | undefined
          try {
            parsed = typeof tokenUrl === 'string' ? new URL(tokenUrl) : undefined
          } catch {
            parsed = undefined
          }
          if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.username || parsed.password || parsed.hash)
            this.fail(
              [...path, 'flows', 'clientCredentials', 'tokenUrl'],
              `OAuth ${name} needs its token URL, an absolute http(s) URL without credentials or fragment`,
            )
          const scopes = isObject(flow.scopes) ? Object.keys(flow.scopes) : []
          if (!oauth.some((o) => o.scheme === name)) oauth.push({ scheme: name, tokenUrl: parsed.href, scopes })
          continue
        }
        if (scheme.type !== 'apiKey') continue
        if (scheme.in !== 'header') this.fail([...path, 'in'], `API key ${name} in ${String(scheme.in)} is refused: only in: header`)
        if (typeof scheme.name !== 'string' || scheme.name === '') this.fail([...path, 'name'], `API key ${name} needs the header name`)
        if (!keys.some((key) => key.scheme === name)) keys.push({ scheme: name, header: scheme.name })
      }
    })
    return { apiKeys: keys, oauth, mutualTls }
  }

  private topSchema(raw: unknown, path: Path, chain: readonly string[]): JsonSchema {
    const schema = this.inlineSchema(raw, path, chain)
    if (schema === true) return {}
    if (schema === false) return { not: {} }
    return schema as JsonSchema
  }

  /** Schema nodes written so far: a small file whose refs reuse each other can expand exponentially. */
  private expanded = 0

  private inlineSchema(raw: unknown, path: Path, chain: readonly string[]): unknown {
    if (++this.expanded > MAX_EXPANDED_NODES) this.fail(path, `the schemas expand to more than ${MAX_EXPANDED_NODES} nodes once their $refs are inlined`)
    if (typeof raw === 'boolean') return raw
    if (!isObject(raw)) this.fail(path, 'a schema must be a map')
    if (raw.$ref !== undefined) {
      const target = this.deref(raw, path, chain)
      const inlined = this.inlineSchema(target.value, target.path, target.chain)
      // 3.0 ignores whatever sits beside a $ref; 3.1 applies it together with the target.
      const siblings = Object.entries(raw).filter(([key]) => key !== '$ref')
      if (!this.is31 || siblings.length === 0) return inlined
      const rest = this.inlineSchema(Object.fromEntries(siblings), path, chain) as JsonObject
      if (siblings.every(([key]) => ANNOTATIONS.has(key)) && isObject(inlined)) return { ...inlined, ...rest }
      return { ...rest, allOf: [inlined, ...(Array.isArray(rest.allOf) ? rest.allOf : [])] }
    }
    const out: JsonObject = {}
    for (const [key, value] of Object.entries(raw)) {
      const at = [...path, key]
      let copied: unknown
      if (SUBSCHEMA.has(key)) copied = this.inlineSchema(value, at, chain)
      else if (key === 'items')
        copied = Array.isArray(value) ? value.map((s, i) => this.inlineSchema(s, [...at, i], chain)) : this.inlineSchema(value, at, chain)
      else if (SUBSCHEMA_LISTS.has(key)) {
        if (!Array.isArray(value)) this.fail(at, `${key} must be a list of schemas`)
        copied = value.map((s, i) => this.inlineSchema(s, [...at, i], chain))
      } else if (SUBSCHEMA_MAPS.has(key)) {
        if (!isObject(value)) this.fail(at, `${key} must be a map of schemas`)
        const map: JsonObject = {}
        for (const [name, s] of Object.entries(value)) setOwn(map, name, this.inlineSchema(s, [...at, name], chain))
        copied = map
      } else copied = copyJson(value)
      setOwn(out, key, copied)
    }
    return out
  }

  /** Follows `$ref`s (local JSON pointers only) until a value that is not one. */
  private deref(raw: unknown, path: Path, chain: readonly string[]): Resolved {
    let value = raw
    let at = path
    let followed = chain
    while (isObject(value) && value.$ref !== undefined) {
      const ref = value.$ref
      const refPath = [...at, '$ref']
      if (typeof ref !== 'string') this.fail(refPath, '$ref must be a string')
      if (!ref.startsWith('#')) this.fail(refPath, `$ref ${ref} is not local: only #/... refs are read (no other files, no network)`)
      if (followed.includes(ref)) this.fail(refPath, `circular $ref: ${[...followed, ref].join(' -> ')}`)
      const target = this.pointer(ref, refPath)
      followed = [...followed, ref]
      value = target.value
      at = target.path
    }
    if (!isObject(value)) this.fail(at, 'expected a map')
    return { value, path: at, chain: followed }
  }

  private pointer(ref: string, refPath: Path): { value: unknown; path: Path } {
    if (ref !== '#' && !ref.startsWith('#/')) this.fail(refPath, `$ref ${ref} is not a JSON pointer (#/...)`)
    let segments: string[]
    try {
      segments =
        ref === '#'
          ? []
          : ref
              .slice(2)
              .split('/')
              .map((s) => decodeURIComponent(s).replaceAll('~1', '/').replaceAll('~0', '~'))
    } catch {
      this.fail(refPath, `$ref ${ref} is not a valid JSON pointer`)
    }
    let value: unknown = this.root
    const path: (string | number)[] = []
    for (const segment of segments) {
      if (Array.isArray(value) && /^(0|[1-9][0-9]*)$/.test(segment) && Number(segment) < value.length) {
        value = value[Number(segment)]
        path.push(Number(segment))
      } else if (isObject(value) && Object.hasOwn(value, segment)) {
        value = value[segment]
        path.push(segment)
      } else {
        this.fail(refPath, `$ref ${ref} does not resolve (no ${[...path, segment].join('.')})`)
      }
    }
    return { value, path }
  }

  /** YAML aliases can make a node contain itself, which no JSON document can: refused before any walk. */
  private refuseCycles(value: unknown, path: Path, ancestors: unknown[]): void {
    if (value === null || typeof value !== 'object') return
    if (ancestors.includes(value)) this.fail(path, 'a YAML alias refers to a node that contains it')
    ancestors.push(value)
    if (Array.isArray(value)) value.forEach((item, index) => this.refuseCycles(item, [...path, index], ancestors))
    else for (const [key, item] of Object.entries(value)) this.refuseCycles(item, [...path, key], ancestors)
    ancestors.pop()
  }

  private fail(path: Path, problem: string): never {
    throw new DescriptionError(this.file, path, problem, this.places.nearestPlaceOf(path))
  }
}

interface Located<T> {
  value: T
  path: Path
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Defines rather than assigns, so a key named `__proto__` stays a key. */
function setOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** A fresh copy, so no two places in a description share (and can change) one object. */
function copyJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyJson)
  if (isObject(value)) {
    const out: JsonObject = {}
    for (const [key, item] of Object.entries(value)) setOwn(out, key, copyJson(item))
    return out
  }
  return value
}

function mediaTypesOf(content: unknown): string {
  const keys = isObject(content) ? Object.keys(content) : []
  return keys.length ? keys.join(', ') : 'none'
}
