/**
 * The engine: a checked plan becomes a registry connector like the hand-written ones. The same
 * registry client (deadline, retries, breaker, transport, typed `UPSTREAM_*` errors naming the
 * connector, calls recorded for audit and metrics), the answer parsed by the description's own
 * schema before anything is read from it, records mapped by the plan, and one batch loader per
 * root field so a request that names a key twenty times costs one call per batch.
 */
import DataLoader from 'dataloader'
import type { IResolvers } from '@graphql-tools/utils'
import type { z } from 'zod'
import {
  clientOptionsOf,
  ConnectorError,
  type ConnectorContext,
  createUpstream,
  type HealthReport,
  mapUpstream,
  parseUpstream,
  type RegistryClientOptions,
  type RegistryConnector,
  type RegistryLoaders,
  type RequestScope,
  type UpstreamRequest,
} from '../kit/index.js'
import { answerSchemaOf, notFoundSchemaOf } from './answer-schema.js'
import type { DescribedOperation } from './description.js'
import type { ConnectorPlan, LookupPlan } from './plan.js'
import { compileMappers, valueAt as at } from './record-map.js'

export interface DescribedConnectorOptions extends RegistryClientOptions {
  baseUrl: string
  /** The key the mapping's `auth: apiKey` sends; from configuration, never from the files. */
  apiKey?: string
}

type Loaders = Record<`${string}:${string}`, DataLoader<string, unknown>>

/** The per-request loader of a described root field, in the request's loaders (`RegistryLoaders`). */
export const describedLoaderName = (connector: string, field: string) => `${connector}:${field}` as const

export function createDescribedConnector(plan: ConnectorPlan, options: DescribedConnectorOptions): RegistryConnector {
  const connector = plan.name
  if (plan.auth.kind === 'apiKey' && !options.apiKey) throw new TypeError(`connector ${connector}: its mapping asks for an API key and none was configured`)
  const upstream = createUpstream({
    connector,
    baseUrl: options.baseUrl,
    // The mapping's deadline may shorten the operator's, never lengthen it.
    ...clientOptionsOf({
      ...options,
      timeoutMs: options.timeoutMs === undefined ? plan.deadlineMs : Math.min(options.timeoutMs, plan.deadlineMs ?? options.timeoutMs),
    }),
    ...(plan.auth.kind === 'apiKey' && options.apiKey ? { headers: { [plan.auth.header]: options.apiKey } } : {}),
  })
  const mapperOf = compileMappers(plan.types)

  /**
   * One call, its answer held to the description: a 200 parsed by the operation's 200 schema; a
   * 404 is "no such record" (null) only where the operation describes one and its body fits that
   * description's schema (a proxy's 404 page is not an answer); any other status is the source
   * answering outside its description.
   */
  async function call(operation: DescribedOperation, request: UpstreamRequest, scope: RequestScope): Promise<unknown | null> {
    const response = await upstream.send(operation.path, request, scope)
    const parse = (schema: z.ZodType) => {
      let payload: unknown
      try {
        payload = JSON.parse(response.text)
      } catch (error) {
        throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, status: response.status, detail: 'not JSON' }, { cause: error })
      }
      return parseUpstream(connector, schema, payload, operation.path)
    }
    if (response.status === 200) return parse(answerSchemaOf(operation))
    const notFound = response.status === 404 ? notFoundSchemaOf(operation) : undefined
    if (notFound === undefined) throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, status: response.status })
    if (notFound) parse(notFound)
    return null
  }

  /** The record must be the one asked for: another person's record is a broken registry, never data. */
  function expectKey(record: unknown, lookup: LookupPlan, asked: string, path: string): void {
    if (at(record, lookup.key) !== asked) throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path, detail: 'a record for another key' })
  }

  /** A 200 whose envelope does not say success is the source failing to serve: worth a retry, never data. */
  function expectSuccess(answer: unknown, path: string): void {
    if (!plan.envelope) return
    if (at(answer, plan.envelope.status) !== plan.envelope.success) {
      throw new ConnectorError(connector, 'UPSTREAM_UNAVAILABLE', { path, detail: 'the envelope does not report success' })
    }
  }

  async function lookupOne(lookup: LookupPlan, key: string, scope: RequestScope): Promise<Record<string, unknown> | null> {
    const { operation, argument } = lookup
    // `.` and `..` name no record and, in a path, another resource.
    if (key === '' || key === '.' || key === '..') return null
    const answer = await call(
      operation,
      {
        operation: `${connector}.${operation.id}`,
        ...(argument.parameter.in === 'path' ? { params: { [argument.parameter.name]: key } } : { query: { [argument.parameter.name]: key } }),
      },
      scope,
    )
    if (answer === null) return null
    expectSuccess(answer, operation.path)
    const record = at(answer, lookup.result)
    // The plan requires the result in every 200; the schema let it through, so this is belt and braces.
    if (record === null || record === undefined) throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, detail: 'no record' })
    expectKey(record, lookup, key, operation.path)
    return mapUpstream(connector, () => mapperOf(lookup.type)(record), operation.path)
  }

  async function lookupMany(lookup: LookupPlan, keys: readonly string[], scope: RequestScope): Promise<Array<Record<string, unknown> | null | ConnectorError>> {
    const batch = lookup.batch!
    const { operation } = batch
    const answers = new Map<string, Record<string, unknown> | ConnectorError>()
    const wanted = [...new Set(keys)]
    // One key is a lookup, not a batch: the single read is the cheaper call for the source.
    if (wanted.length === 1) {
      const one = await lookupOne(lookup, wanted[0]!, scope)
      return keys.map(() => one)
    }
    const chunks: string[][] = []
    for (let i = 0; i < wanted.length; i += batch.maxSize) chunks.push(wanted.slice(i, i + batch.maxSize))
    await Promise.all(
      chunks.map(async (chunk) => {
        const answer = await call(
          operation,
          {
            method: 'POST',
            idempotent: true,
            operation: `${connector}.${operation.id}`,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ [batch.keysField]: chunk }),
          },
          scope,
        )
        if (answer === null) return
        expectSuccess(answer, operation.path)
        const records = at(answer, batch.result)
        if (!Array.isArray(records)) throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, detail: 'no list of records' })
        const asked = new Set(chunk)
        for (const record of records) {
          const key = at(record, lookup.key)
          // A record for a key not asked for, or one key answered twice, is not trusted: the
          // source is answering another question than ours.
          if (typeof key !== 'string' || !asked.has(key) || answers.has(key))
            throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, detail: 'a record for a key not asked for, or twice' })
          try {
            answers.set(
              key,
              mapUpstream(connector, () => mapperOf(lookup.type)(record), operation.path),
            )
          } catch (error) {
            // One unreadable record fails its own key only.
            answers.set(key, error instanceof ConnectorError ? error : new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path }))
          }
        }
      }),
    )
    return keys.map((key) => answers.get(key) ?? null)
  }

  const loaderName = (lookup: LookupPlan) => describedLoaderName(connector, lookup.field)

  function createLoaders(scope: RequestScope): Loaders {
    const loaders: Loaders = {}
    for (const lookup of plan.lookups) {
      loaders[loaderName(lookup)] = lookup.batch
        ? new DataLoader<string, unknown>((keys) => lookupMany(lookup, keys, scope), { maxBatchSize: lookup.batch.maxSize })
        : new DataLoader<string, unknown>((keys) => Promise.all(keys.map((key) => lookupOne(lookup, key, scope).catch((error: unknown) => error as Error))), {
            batch: false,
          })
    }
    return loaders
  }

  const query: Record<string, (parent: unknown, args: Record<string, unknown>, ctx: ConnectorContext) => Promise<unknown>> = {}
  for (const lookup of plan.lookups) {
    const name = loaderName(lookup)
    query[lookup.field] = (_parent, args, ctx) => {
      const loader = (ctx.loaders as RegistryLoaders)[name]
      if (!loader) throw new Error(`no loader ${name} in the request's context`)
      return loader.load(String(args[lookup.argument.name]))
    }
  }
  const resolvers: IResolvers<unknown, ConnectorContext> = { Query: query }

  async function health(signal?: AbortSignal): Promise<HealthReport> {
    const started = performance.now()
    const scope: RequestScope = { requestId: `health-${crypto.randomUUID()}`, ...(signal ? { signal } : {}) }
    try {
      const response = await upstream.send(plan.health.path, { operation: `${connector}.health` }, scope)
      const latencyMs = performance.now() - started
      if (response.status !== 200) return { ok: false, latencyMs, detail: `HTTP ${response.status}` }
      if (plan.envelope) {
        // Not JSON throws, and the catch below reports it as a bad answer.
        if (at(JSON.parse(response.text) as unknown, plan.envelope.status) !== plan.envelope.success)
          return { ok: false, latencyMs, detail: 'the envelope does not report success' }
      }
      return { ok: true, latencyMs }
    } catch (error) {
      return { ok: false, latencyMs: performance.now() - started, detail: error instanceof ConnectorError ? error.code : 'UPSTREAM_BAD_RESPONSE' }
    }
  }

  return { name: connector, resolvers, createLoaders, health, circuit: () => upstream.circuit() }
}
