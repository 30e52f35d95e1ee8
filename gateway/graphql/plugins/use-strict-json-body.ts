import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga'
import { decodeUtf8 } from '../../http/utf8.js'
import type { RequestState } from '../request-state.js'

const badRequest = (message: string) => createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } })

/**
 * JSON bodies: those Yoga's own parser takes, and every type the route admits, so that none of
 * them meets Yoga's bare 415 with an empty body.
 */
const JSON_BODIES = new Set(['application/json', 'application/graphql+json', 'application/graphql-response+json'])
function isJsonPost(request: Request): boolean {
  if (request.method !== 'POST') return false
  return JSON_BODIES.has((request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '')
}

/**
 * How deep a body may nest. No GraphQL request needs more (queries are held to depth 12, inputs
 * are records of records); deeper bodies only make recursive work on them (hashing one for a
 * receipt, walking variables) costly or fail.
 */
export const MAX_BODY_DEPTH = 64

/** Whether `value` nests deeper than `limit` (an explicit stack: the check itself cannot overflow). */
export function depthBeyond(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]]
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!
    if (item === null || typeof item !== 'object') continue
    if (depth > limit) return true
    for (const child of Array.isArray(item) ? item : Object.values(item)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
  }
  return false
}

/** Reads the body as bytes, decodes them strictly, then parses and checks it as Yoga would. */
async function parseStrictJson(request: Request, state: RequestState | undefined): Promise<GraphQLParams | GraphQLParams[]> {
  const text = decodeUtf8(await request.arrayBuffer())
  if (text === null) throw badRequest('The request body is not valid UTF-8')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw badRequest('POST body sent invalid JSON.')
  }
  if (body === null || typeof body !== 'object') throw badRequest(`POST body is expected to be object but received ${body === null ? 'null' : typeof body}`)
  if (depthBeyond(body, MAX_BODY_DEPTH)) throw badRequest(`The request body nests deeper than ${MAX_BODY_DEPTH} levels`)
  if (state) state.body = body
  return body as GraphQLParams | GraphQLParams[]
}

/**
 * The one place a GraphQL request body is read. Yoga's parser calls `request.json()`, which
 * decodes invalid UTF-8 as U+FFFD and runs the result: a PIN or a case id other than the one sent
 * would be looked up and written to the audit trail. This parser, registered after Yoga's and so
 * chosen instead, refuses such a body with 400 `BAD_USER_INPUT`.
 */
export function useStrictJsonBody(): Plugin<object, { state?: RequestState }> {
  return {
    onRequestParse({ request, serverContext, setRequestParser }) {
      if (isJsonPost(request)) setRequestParser((raw) => parseStrictJson(raw, serverContext.state))
    },
  }
}
