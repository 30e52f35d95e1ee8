import type { Context, Hono } from 'hono'
import { createFaultState, type FaultConfig, type FaultState } from '../kit/sandbox/faults.js'
import { createSandboxApp } from '../kit/sandbox/serve.js'
import type { DescribedOperation, DescribedResponse, SourceDescription } from './description.js'

export interface ReplaySandboxOptions {
  /** The value every API key header must carry; without it any value is accepted, but the header must be there. */
  apiKey?: string
  /** For a source asking for OAuth client credentials: the only client the sandbox issues tokens to. */
  client?: { id: string; secret: string }
  faults?: Partial<FaultConfig>
}

/** Where a replay sandbox issues tokens, for a source that asks for OAuth client credentials. */
export const REPLAY_TOKEN_PATH = '/__replay/oauth/token'

/**
 * A sandbox registry that answers from a description's own examples, paired by name as Microcks
 * and Prism pair them: the request whose parameters (and body) equal the examples named N gets
 * the response example named N. So a described source can be exercised before its real registry
 * is reachable, with the sandbox faults and `/__sandbox/*` controls of every other registry.
 */
/** A description the replay sandbox cannot answer for. */
export class ReplayUnavailableError extends Error {
  override name = 'ReplayUnavailableError'
}

export function createReplaySandbox(description: SourceDescription, options: ReplaySandboxOptions = {}): { app: Hono; state: FaultState } {
  // It answers JSON from OpenAPI examples; a SOAP service would get JSON where it expects envelopes.
  if (description.kind !== 'openapi')
    throw new ReplayUnavailableError(`${description.file}: a SOAP source has no replay sandbox yet; give its URL (UPSTREAM_<NAME>_URL, or --url)`)
  const sandbox = createSandboxApp(createFaultState(options.faults))
  const { app } = sandbox
  // One token per sandbox, issued to the configured client, asked of every call.
  const token = description.oauth.length ? `replay-${crypto.randomUUID()}` : undefined
  if (token) {
    app.post(REPLAY_TOKEN_PATH, async (c) => {
      const form = new URLSearchParams(await c.req.text())
      if (form.get('grant_type') !== 'client_credentials') return jsonAnswer({ error: 'unsupported_grant_type' }, 400)
      const client = basicClient(c.req.header('authorization'))
      if (!client || (options.client && (client.id !== options.client.id || client.secret !== options.client.secret)))
        return jsonAnswer({ error: 'invalid_client' }, 400)
      return jsonAnswer({ access_token: token, token_type: 'Bearer', expires_in: 3600 }, 200)
    })
  }
  // Concrete paths before templated ones, as OpenAPI matches them: `/so/tra-cuu-lo` is not `/so/{id}`.
  const operations = [...description.operations.values()].sort((a, b) => comparePaths(a.path, b.path))
  for (const operation of operations) {
    const route = routeOf(operation.path)
    app.on(operation.method, route.hono, async (c, next) => {
      const pathValues = route.match(new URL(c.req.url).pathname)
      // The route's looser Hono pattern matched a path the template does not: leave it to the next route.
      if (!pathValues) return next()
      if (!authorized(c, description, options.apiKey) || (token && c.req.header('authorization') !== `Bearer ${token}`))
        return jsonAnswer({ error: 'unauthorized' }, 401)
      return answer(c, operation, pathValues)
    })
  }
  app.notFound(() => jsonAnswer({ error: 'no operation at this path' }, 404))
  return sandbox
}

/** RFC 6749 §2.3.1: HTTP Basic of the form-encoded id and secret; null when the header is not that. */
function basicClient(header: string | undefined): { id: string; secret: string } | null {
  const encoded = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(header ?? '')?.[1]
  if (!encoded) return null
  let text: string
  try {
    text = new TextDecoder().decode(Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0)))
  } catch {
    return null
  }
  const colon = text.indexOf(':')
  if (colon === -1) return null
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part.replace(/\+/g, ' '))
    } catch {
      return null
    }
  }
  const id = decode(text.slice(0, colon))
  const secret = decode(text.slice(colon + 1))
  return id === null || secret === null ? null : { id, secret }
}

function authorized(c: Context, description: SourceDescription, apiKey: string | undefined): boolean {
  return description.apiKeys.every((key) => {
    const value = c.req.header(key.header)
    return value !== undefined && (apiKey === undefined || value === apiKey)
  })
}

async function answer(c: Context, operation: DescribedOperation, pathValues: ReadonlyMap<string, string>): Promise<Response> {
  let body: unknown
  let hasBody = false
  if (operation.requestBody) {
    const text = await c.req.text()
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text)
        hasBody = true
      } catch {
        return jsonAnswer({ error: 'request body is not JSON' }, 400)
      }
    } else if (operation.requestBody.required) {
      return jsonAnswer({ error: 'request body is not JSON' }, 400)
    }
  }
  const query = new URL(c.req.url).searchParams
  const requestValue = (name: string, where: 'path' | 'query' | 'header') =>
    where === 'path' ? pathValues.get(name) : where === 'query' ? (query.get(name) ?? undefined) : c.req.header(name)

  const matches = (name: string) =>
    operation.parameters.every((parameter) => {
      if (!Object.hasOwn(parameter.examples, name)) return true
      const actual = requestValue(parameter.name, parameter.in)
      return actual !== undefined && actual === asText(parameter.examples[name])
    }) &&
    (!operation.requestBody || !Object.hasOwn(operation.requestBody.examples, name) || (hasBody && deepEqual(body, operation.requestBody.examples[name])))

  for (const [name, response] of namedResponses(operation)) {
    if (matches(name)) return jsonAnswer(response.examples[name], response.status)
  }
  const notFound = operation.responses.find((response) => response.status === 404)
  const [first] = notFound ? Object.values(notFound.examples) : []
  if (notFound && Object.keys(notFound.examples).length > 0) return jsonAnswer(first, 404)
  return jsonAnswer({ error: 'no example matches' }, 404)
}

/** Each example name with the response that holds it, in the order the responses' examples are written. */
function namedResponses(operation: DescribedOperation): [string, DescribedResponse][] {
  const seen = new Map<string, DescribedResponse>()
  for (const response of operation.responses) {
    for (const name of Object.keys(response.examples)) if (!seen.has(name)) seen.set(name, response)
  }
  return [...seen]
}

function jsonAnswer(value: unknown, status: number): Response {
  return new Response(JSON.stringify(value ?? null), { status, headers: { 'content-type': 'application/json; charset=utf-8' } })
}

/** Parameters arrive as text: an example written as a number or boolean matches its spelling. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => deepEqual(item, b[index]))
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  const aKeys = Object.keys(a)
  const bKeys = Object.keys(b)
  return (
    aKeys.length === bKeys.length &&
    aKeys.every((key) => Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  )
}

interface Route {
  /** A Hono pattern at least as loose as the template: one `:sN` per templated segment. */
  hono: string
  /** The template's own values for a request path, decoded, or undefined when it does not fit. */
  match(pathname: string): ReadonlyMap<string, string> | undefined
}

function routeOf(template: string): Route {
  const names: string[] = []
  const segments = template.split('/')
  const hono = segments
    .map((segment, index) => {
      // Hono reads `:`, `*`, `{` and `?` as syntax: such a segment gets a placeholder and the exact check below.
      if (segment.includes('{') || /[:*?}]/.test(segment)) return `:s${index}`
      return segment
    })
    .join('/')
  const pattern = new RegExp(
    `^${segments
      .map((segment) =>
        segment
          .split(/(\{[^}]*\})/)
          .map((part) => {
            const name = /^\{([^}]*)\}$/.exec(part)?.[1]
            // A request path arrives percent-encoded, so a literal with non-ASCII letters is compared encoded.
            if (name === undefined) return escapeRegExp(encodeURI(part))
            names.push(name)
            return '([^/]+)'
          })
          .join(''),
      )
      .join('/')}$`,
  )
  return {
    hono,
    match(pathname) {
      const found = pattern.exec(pathname)
      if (!found) return undefined
      const values = new Map<string, string>()
      for (const [index, name] of names.entries()) {
        const raw = found[index + 1] ?? ''
        try {
          values.set(name, decodeURIComponent(raw))
        } catch {
          return undefined
        }
      }
      return values
    },
  }
}

/** Segment by segment, a concrete segment sorts before a templated one; otherwise the order is kept. */
function comparePaths(a: string, b: string): number {
  const as = a.split('/')
  const bs = b.split('/')
  for (let index = 0; index < Math.min(as.length, bs.length); index++) {
    const aTemplated = as[index]!.includes('{')
    const bTemplated = bs[index]!.includes('{')
    if (aTemplated !== bTemplated) return aTemplated ? 1 : -1
  }
  return 0
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
