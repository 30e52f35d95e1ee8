/**
 * The engine: a checked plan becomes a registry connector like the hand-written ones. The same
 * registry client (deadline, retries, breaker, transport, typed `UPSTREAM_*` errors naming the
 * connector, calls recorded for audit and metrics), the answer parsed by the description's own
 * schema before anything is read from it, records mapped by the plan, and one batch loader per
 * root field so a request that names a key twenty times costs one call per batch.
 */
import DataLoader from 'dataloader'
import type { IResolvers } from '@graphql-tools/utils'
import { z } from 'zod'
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
} from '../kit/index.js'
import type { DescribedOperation, JsonSchema } from './description.js'
import type { ConnectorPlan, LookupPlan } from './plan.js'
import { compileMappers, valueAt as at } from './record-map.js'

export interface DescribedConnectorOptions extends RegistryClientOptions {
  baseUrl: string
  /** The key the mapping's `auth: apiKey` sends; from configuration, never from the files. */
  apiKey?: string
}

type Loaders = Record<`${string}:${string}`, DataLoader<string, unknown>>

/** The description's schema of an operation's 200 answer, as zod: the source is held to what it says it sends. */
function answerSchema(operation: DescribedOperation): z.ZodType {
  const schema = operation.responses.find((r) => r.status === 200 && r.schema)?.schema as JsonSchema
  return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0], { defaultTarget: 'openapi-3.0' })
}

const describes404 = (operation: DescribedOperation) => operation.responses.some((response) => response.status === 404)

export function createDescribedConnector(plan: ConnectorPlan, options: DescribedConnectorOptions): RegistryConnector {
  const connector = plan.name
  if (plan.auth.kind === 'apiKey' && !options.apiKey) throw new TypeError(`connector ${connector}: its mapping asks for an API key and none was configured`)
  const upstream = createUpstream({
    connector,
    baseUrl: options.baseUrl,
    // The caller's deadline if it gives one, else the mapping's own for this source.
    ...clientOptionsOf({ ...options, timeoutMs: options.timeoutMs ?? plan.deadlineMs }),
    ...(plan.auth.kind === 'apiKey' && options.apiKey ? { headers: { [plan.auth.header]: options.apiKey } } : {}),
  })
  const mapperOf = compileMappers(plan.types)
  const schemas = new Map<string, z.ZodType>()
  const schemaOf = (operation: DescribedOperation) => {
    let schema = schemas.get(operation.id)
    if (!schema) schemas.set(operation.id, (schema = answerSchema(operation)))
    return schema
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
    const answer = await upstream.json(
      operation.path,
      schemaOf(operation),
      {
        operation: `${connector}.${operation.id}`,
        ...(argument.parameter.in === 'path' ? { params: { [argument.parameter.name]: key } } : { query: { [argument.parameter.name]: key } }),
      },
      scope,
    )
    if (answer === null) {
      // "No such record" only where the description says the source answers so; a 404 it does
      // not describe (a wrong base URL, a moved API) is the source answering outside its description.
      if (describes404(operation)) return null
      throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, status: 404 })
    }
    expectSuccess(answer, operation.path)
    const record = at(answer, lookup.result)
    if (record === null || record === undefined) return null
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
        const answer = await upstream.json(
          operation.path,
          schemaOf(operation),
          {
            method: 'POST',
            idempotent: true,
            operation: `${connector}.${operation.id}`,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ [batch.keysField]: chunk }),
          },
          scope,
        )
        if (answer === null) {
          if (describes404(operation)) return
          throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, status: 404 })
        }
        expectSuccess(answer, operation.path)
        const records = at(answer, batch.result)
        if (!Array.isArray(records)) throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, detail: 'no list of records' })
        const asked = new Set(chunk)
        for (const record of records) {
          const key = String(at(record, batch.keyField))
          // A record for a key not asked for, or one key answered twice, is not trusted: the
          // source is answering another question than ours.
          if (!asked.has(key) || answers.has(key))
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

  const loaderName = (lookup: LookupPlan) => `${connector}:${lookup.field}` as const

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
        const answer = parseUpstream(connector, z.unknown(), JSON.parse(response.text), plan.health.path)
        if (at(answer, plan.envelope.status) !== plan.envelope.success) return { ok: false, latencyMs, detail: 'the envelope does not report success' }
      }
      return { ok: true, latencyMs }
    } catch (error) {
      return { ok: false, latencyMs: performance.now() - started, detail: error instanceof ConnectorError ? error.code : 'UPSTREAM_BAD_RESPONSE' }
    }
  }

  return { name: connector, resolvers, createLoaders, health, circuit: () => upstream.circuit() }
}
