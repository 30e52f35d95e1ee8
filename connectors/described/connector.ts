/**
 * The engine: a checked plan becomes a registry connector like the hand-written ones. The same
 * registry client (deadline, retries, breaker, transport, typed `UPSTREAM_*` errors naming the
 * connector, calls recorded for audit and metrics), the answer parsed by the description's own
 * schema before anything is read from it, records mapped by the plan, and one batch loader per
 * root field so a request that names a key twenty times costs one call per batch.
 */
import DataLoader from 'dataloader'
import type { IResolvers } from '@graphql-tools/utils'
import type { GraphQLResolveInfo } from 'graphql'
import {
  clientOptionsOf,
  ConnectorError,
  type ConnectorContext,
  createUpstream,
  type HealthReport,
  type ListWindow,
  mapUpstream,
  pageSize,
  parseUpstream,
  type RegistryClientOptions,
  type RegistryConnector,
  type RegistryLoaders,
  type RequestScope,
  DEFAULT_RETRIES,
  type ResilienceOptions,
  holderKey,
  parseHolderKey,
  type UpstreamRequest,
  type UpstreamResponse,
  type UpstreamTransport,
  userInputError,
} from '../kit/index.js'
import { answerSchemaOf, notFoundSchemaOf } from './answer-schema.js'
import type { DescribedOperation } from './description.js'
import { listParameters } from './list-arguments.js'
import { LOOKUP_KEYS } from './lookup-keys.js'
import { buildSoapRequest, readSoapResponse, type SoapAnswer } from './soap-xml.js'
import type { ConnectorPlan, GroupPlan, HolderKind, ListPlan, LookupPlan } from './plan.js'
import { createTokenSource, type OAuthClient } from './oauth-token.js'
import { compileMappers, valueAt as at } from './record-map.js'

export interface DescribedConnectorOptions extends RegistryClientOptions {
  baseUrl: string
  /** The key the mapping's `auth: apiKey` sends; from configuration, never from the files. */
  apiKey?: string
  /** Keys per batch call, at most the mapping's `maxSize` (a smaller one for a registry that struggles). */
  maxBatchSize?: number
  /** The account the mapping's `auth: soapHeader` sends; from configuration, never from the files. */
  credentials?: { username: string; password: string }
  /** The client the mapping's `auth: oauthClientCredentials` asks a token for; from configuration. */
  oauthClient?: OAuthClient
  /** Where tokens are asked for, instead of the description's token URL (another environment's identity provider). */
  tokenUrl?: string
  /**
   * For a mapping with `clientCertificate: true`: the transport that presents the certificate
   * (on Node, a pooled transport built with it). The source's calls go out on it; a token
   * endpoint's on the shared transport.
   */
  tlsTransport?: UpstreamTransport
  /** No call waits on a promise another request settles (workerd): a token request is not shared in flight. @default false */
  requestsStandAlone?: boolean
}

type MappedRecord = Record<string, unknown>
type Loaders = Record<string, DataLoader<string, unknown>>

/** What the engine offers besides the resolvers: each root field called directly (the CLI's check, the tests). */
export interface DescribedConnector extends RegistryConnector {
  /** One record by its key; null when the source has none, or the key is not a valid identifier (no call then). */
  lookup(field: string, key: string, scope: RequestScope): Promise<MappedRecord | null>
  /**
   * A lookup's answer as the source would send it with a 200 (envelope and all: JSON, or a SOAP
   * source's XML text), read as a call's answer is: held to the description, its record mapped.
   * Throws ConnectorError. No key is checked: none was asked.
   */
  readAnswer(field: string, payload: unknown): MappedRecord
  /** Many keys, in as few calls as the batch allows; answers in request order, an unreadable record an error for its key only. */
  lookupMany(field: string, keys: readonly string[], scope: RequestScope): Promise<Array<MappedRecord | null | ConnectorError>>
  /** A group loader's lists for many keys (`holderKey()`s), in request order; an unreadable record an error for its key only. */
  groupMany(loader: string, keys: readonly string[], scope: RequestScope): Promise<Array<MappedRecord[] | ConnectorError>>
  /** One window of a list root field, its arguments as GraphQL gives them; a caller's bad argument is a GraphQL user error. */
  list(
    field: string,
    args: Readonly<Record<string, unknown>>,
    window: { offset: number; limit: number },
    scope: RequestScope,
  ): Promise<ListWindow<MappedRecord>>
}

/**
 * The described loaders under the names `RegistryLoaders` gives them. A canonical root field's
 * loader (`enterprise`) gives records of its canonical type: the plan checked that the mapping
 * answers every field that type requires, which is what the loader's type promises.
 */
const asRegistryLoaders = (loaders: Loaders) => loaders as Partial<RegistryLoaders>

export function createDescribedConnector(plan: ConnectorPlan, options: DescribedConnectorOptions): DescribedConnector {
  const connector = plan.name
  if (plan.auth.kind === 'apiKey' && !options.apiKey) throw new TypeError(`connector ${connector}: its mapping asks for an API key and none was configured`)
  if (plan.auth.kind === 'soapHeader' && !options.credentials)
    throw new TypeError(`connector ${connector}: its mapping asks for an account in a SOAP header and none was configured`)
  if (plan.clientCertificate && !options.tlsTransport)
    throw new TypeError(`connector ${connector}: its mapping asks for a client certificate and no transport presenting one was configured`)
  if (plan.auth.kind === 'oauthClientCredentials' && !options.oauthClient)
    throw new TypeError(`connector ${connector}: its mapping asks for OAuth client credentials and none were configured`)
  const { auth } = plan
  const { credentials } = options
  /** The SOAP header the mapping asks for, with this call's request id where it names a field for it. */
  const soapHeaders = (scope: RequestScope): Record<string, unknown> =>
    auth.kind === 'soapHeader' && credentials
      ? {
          [auth.header]: {
            ...(auth.requestId ? { [auth.requestId]: scope.requestId } : {}),
            [auth.username]: credentials.username,
            [auth.password]: credentials.password,
          },
        }
      : {}
  const upstream = createUpstream({
    connector,
    baseUrl: options.baseUrl,
    // The mapping's deadline may shorten the operator's, never lengthen it.
    ...clientOptionsOf({
      ...options,
      ...(options.tlsTransport ? { transport: options.tlsTransport } : {}),
      ...(options.resilience ? { resilience: withinGateway(options.resilience, plan.retries) } : {}),
      timeoutMs: options.timeoutMs === undefined ? plan.deadlineMs : Math.min(options.timeoutMs, plan.deadlineMs ?? options.timeoutMs),
    }),
    ...(plan.auth.kind === 'apiKey' && options.apiKey ? { headers: { [plan.auth.header]: options.apiKey } } : {}),
  })
  const tokens =
    plan.oauth && options.oauthClient
      ? createTokenSource({
          connector,
          tokenUrl: options.tokenUrl ?? plan.oauth.tokenUrl,
          scopes: plan.oauth.scopes,
          client: options.oauthClient,
          shareRequests: !options.requestsStandAlone,
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          ...(options.fetch ? { fetch: options.fetch } : {}),
          ...(options.transport ? { transport: options.transport } : {}),
        })
      : undefined

  /**
   * One call to the source, with the bearer token where the source asks for OAuth. A 401 is the
   * token refused (revoked, or expired early): it is dropped, and the call made once more with a
   * new one; a second 401 is the client's configuration, and stands.
   */
  async function send(path: string, request: UpstreamRequest, scope: RequestScope): Promise<UpstreamResponse> {
    if (!tokens) return upstream.send(path, request, scope)
    const attempt = async () => {
      const token = await tokens.token(scope)
      try {
        return await upstream.send(path, { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } }, scope)
      } catch (error) {
        if (error instanceof ConnectorError && error.context.status === 401) tokens.forget(token)
        throw error
      }
    }
    try {
      return await attempt()
    } catch (error) {
      if (error instanceof ConnectorError && error.context.status === 401) return attempt()
      throw error
    }
  }

  const mapperOf = compileMappers(plan.types)
  const batchSizeOf = (planned: { maxSize: number } | undefined) => Math.min(planned?.maxSize ?? 1, options.maxBatchSize ?? Number.POSITIVE_INFINITY)
  if (options.maxBatchSize !== undefined) {
    const largest = Math.max(...plan.lookups.map((lookup) => lookup.batch?.maxSize ?? 1), ...plan.groups.map((group) => group.maxSize))
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1 || options.maxBatchSize > largest)
      throw new TypeError(`connector ${connector}: maxBatchSize must be a whole number from 1 to ${largest}, the mapping's batch size`)
  }
  const lookupByField = new Map(plan.lookups.map((lookup) => [lookup.field, lookup]))
  const listByField = new Map(plan.lists.map((list) => [list.field, list]))
  const keyFormOf = (lookup: LookupPlan) => LOOKUP_KEYS.get(lookup.argument.form)!.canonical

  /**
   * One SOAP 1.1 call: the request element built by the description's schema (element order,
   * namespaces, escaping), the answer read back by it (lists stay lists, text stays text). A
   * `soap:Server` fault is the service failing (worth a retry); any other fault, or an answer that
   * is not one, is a bad answer. Only the fault's code is kept: its text may echo an identifier.
   * Every SOAP answer is a 200: "no record" is the record left out, never a status.
   */
  async function callSoap(operation: DescribedOperation, body: unknown, label: string, scope: RequestScope): Promise<unknown> {
    const soap = operation.soap!
    let envelope: string
    try {
      envelope = buildSoapRequest(operation, body, soapHeaders(scope))
    } catch (error) {
      // Only a key of the identifier's canonical form reaches here; one the service's schema refuses is its description's doing.
      throw new ConnectorError(
        connector,
        'UPSTREAM_BAD_RESPONSE',
        { path: operation.path, detail: 'the request does not fit the description' },
        { cause: error },
      )
    }
    const response = await send(
      operation.path,
      {
        method: 'POST',
        // Every operation the engine calls is a read: safe to retry.
        idempotent: true,
        operation: label,
        headers: { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml', soapaction: `"${soap.action}"` },
        body: envelope,
      },
      scope,
    )
    return soapAnswerOf(operation, response.text ?? '', response.status)
  }

  /** A SOAP answer's text read back by the description's schema and held to it; faults and non-answers as errors. */
  function soapAnswerOf(operation: DescribedOperation, text: string, status: number): unknown {
    let answer: SoapAnswer
    try {
      answer = readSoapResponse(operation, text)
    } catch (error) {
      // No service at that address answers 404 with a page, not a fault: the registry is unreachable.
      const code = status === 404 ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_BAD_RESPONSE'
      throw new ConnectorError(connector, code, { path: operation.path, status, detail: 'not a SOAP answer' }, { cause: error })
    }
    if (answer.kind === 'fault') {
      const code = /(^|:)Server(\.|$)/.test(answer.code) ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_BAD_RESPONSE'
      throw new ConnectorError(connector, code, { path: operation.path, status, detail: `SOAP fault ${answer.code}` })
    }
    if (status !== 200) throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, status })
    return heldToDescription(operation, answer.value)
  }

  /**
   * One call, its answer held to the description: a 200 parsed by the operation's 200 schema; a
   * 404 is "no such record" (null) only where the operation describes one and its body fits that
   * description's schema (a proxy's 404 page is not an answer); any other status is the source
   * answering outside its description.
   */
  async function call(operation: DescribedOperation, request: UpstreamRequest, scope: RequestScope): Promise<unknown | null> {
    const response = await send(operation.path, request, scope)
    const json = () => {
      try {
        return JSON.parse(response.text) as unknown
      } catch (error) {
        throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, status: response.status, detail: 'not JSON' }, { cause: error })
      }
    }
    if (response.status === 200) return heldToDescription(operation, json())
    const notFound = response.status === 404 ? notFoundSchemaOf(operation) : undefined
    if (notFound === undefined) throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, status: response.status })
    if (notFound) parseUpstream(connector, notFound, json(), operation.path)
    return null
  }

  /**
   * A 200's payload held to the description. The envelope first: an answer that says the source
   * failed is a failure to serve (worth a retry), whatever else it holds or lacks; then the
   * operation's own 200 schema.
   */
  function heldToDescription(operation: DescribedOperation, payload: unknown): unknown {
    expectSuccess(payload, operation.path)
    return parseUpstream(connector, answerSchemaOf(operation), payload, operation.path)
  }

  /** The lookup's record in a checked answer, mapped; the key checked when one was asked. */
  function recordIn(lookup: LookupPlan, answer: unknown, asked?: string): MappedRecord {
    const { path } = lookup.operation
    const record = at(answer, lookup.result)
    // The plan requires the result in every 200; the schema let it through, so this is belt and braces.
    if (record === null || record === undefined) throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path, detail: 'no record' })
    if (asked !== undefined) expectKey(record, lookup, asked, path)
    return mapUpstream(connector, () => mapperOf(lookup.type)(record), path)
  }

  /** The key a record carries, in its identifier's canonical form; null when it is none. */
  function keyOf(record: unknown, lookup: LookupPlan): string | null {
    const key = at(record, lookup.key)
    return typeof key === 'string' ? keyFormOf(lookup)(key) : null
  }

  /** The record must be the one asked for: another person's record is a broken registry, never data. */
  function expectKey(record: unknown, lookup: LookupPlan, asked: string, path: string): void {
    if (keyOf(record, lookup) !== asked) throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path, detail: 'a record for another key' })
  }

  /**
   * A 200 whose envelope says something other than success is the source failing to serve: worth
   * a retry, never data. An answer without the status (or with one of the wrong kind) is not an
   * envelope at all: the schema check calls that a bad answer.
   */
  function expectSuccess(answer: unknown, path: string): void {
    if (!plan.envelope) return
    const status = at(answer, plan.envelope.status)
    if (typeof status === typeof plan.envelope.success && status !== plan.envelope.success) {
      throw new ConnectorError(connector, 'UPSTREAM_UNAVAILABLE', { path, detail: 'the envelope does not report success' })
    }
  }

  async function lookupOne(lookup: LookupPlan, asked: string, scope: RequestScope): Promise<MappedRecord | null> {
    const { operation, argument } = lookup
    // Only an identifier reaches the source: anything else names no record (and `.` or `..`, in a path, another resource).
    const key = keyFormOf(lookup)(asked)
    if (key === null || key === '' || key === '.' || key === '..') return null
    const label = `${connector}.${operation.id}`
    const { name, in: where } = argument.parameter
    if (where === 'body') {
      const answer = await callSoap(operation, { [name]: key }, label, scope)
      // A SOAP service says "none" by leaving the record out (or sending it nil).
      const record = at(answer, lookup.result)
      return record === undefined || record === null ? null : recordIn(lookup, answer, key)
    }
    const answer = await call(operation, { operation: label, ...(where === 'path' ? { params: { [name]: key } } : { query: { [name]: key } }) }, scope)
    return answer === null ? null : recordIn(lookup, answer, key)
  }

  async function lookupMany(lookup: LookupPlan, asked: readonly string[], scope: RequestScope): Promise<Array<MappedRecord | null | ConnectorError>> {
    const batch = lookup.batch
    const keys = asked.map(keyFormOf(lookup))
    const wanted = [...new Set(keys.filter((key): key is string => key !== null))]
    // Without a batch, each key is its own call, and its own failure.
    if (!batch) {
      const answers = new Map(await Promise.all(wanted.map(async (key) => [key, await lookupOne(lookup, key, scope).catch(toConnectorError)] as const)))
      return keys.map((key) => (key === null ? null : (answers.get(key) ?? null)))
    }
    // One key is a lookup, not a batch: the single read is the cheaper call for the source. As
    // with a batch call, a call that fails fails the keys it carried.
    if (wanted.length <= 1) {
      const one = wanted.length ? await lookupOne(lookup, wanted[0]!, scope) : null
      return keys.map((key) => (key === null ? null : one))
    }
    const { operation } = batch
    const answers = new Map<string, MappedRecord | ConnectorError>()
    const size = batchSizeOf(lookup.batch)
    const chunks: string[][] = []
    for (let i = 0; i < wanted.length; i += size) chunks.push(wanted.slice(i, i + size))
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
        // No list on a success is "none of these": the keys not answered are null.
        const records = at(answer, batch.result) ?? []
        if (!Array.isArray(records)) throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, detail: 'no list of records' })
        const asked = new Set(chunk)
        for (const record of records) {
          const key = keyOf(record, lookup)
          // A record for a key not asked for, or one key answered twice, is not trusted: the
          // source is answering another question than ours.
          if (key === null || !asked.has(key) || answers.has(key))
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
    return keys.map((key) => (key === null ? null : (answers.get(key) ?? null)))
  }

  /**
   * One window of a list: the operation called with the caller's arguments and the window, then
   * either the items mapped, or (for summaries) the full records read by the lookup's batch.
   */
  async function readWindow(
    list: ListPlan,
    parameters: Readonly<Record<string, string | number>>,
    offset: number,
    limit: number,
    scope: RequestScope,
  ): Promise<ListWindow<MappedRecord>> {
    const { operation } = list
    const label = `${connector}.${operation.id}`
    const asked = { ...parameters, [list.page.offset]: offset, [list.page.limit]: limit }
    const answer = operation.soap ? await callSoap(operation, asked, label, scope) : await call(operation, { operation: label, query: asked }, scope)
    // A list answers with its records or none: a 404 is not an empty list.
    if (answer === null) throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, status: 404 })
    const totalCount = at(answer, list.total)
    const rows = at(answer, list.items) ?? []
    if (typeof totalCount !== 'number' || !Array.isArray(rows) || rows.length > limit)
      throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, detail: 'not a window of the list asked for' })
    const { lookup, key } = list.each
    if (!lookup) {
      return { items: rows.map((row) => mapUpstream(connector, () => mapperOf(list.type)(row), operation.path)), totalCount }
    }
    const keys = rows.map((row) => {
      const found = key ? at(row, key) : undefined
      const canonical = typeof found === 'string' ? keyFormOf(lookup)(found) : null
      if (canonical === null)
        throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, detail: 'a listed record without a valid key' })
      return canonical
    })
    // Summaries are not records: the page needs the full ones, read in as few calls as the batch allows.
    const records = keys.length === 0 ? [] : await lookupMany(lookup, keys, scope)
    const items = records.map((record) => {
      if (record instanceof ConnectorError) throw record
      // A record removed between the two calls keeps its position, as a gap.
      return record
    })
    return { items, totalCount }
  }

  /** A holder key (`pin:…`, `tax:…`) as the group's source names it; null for one it cannot hold (no call for it). */
  function holderIn(group: GroupPlan, key: string): { kind: HolderKind; id: string } | null {
    const ref = parseHolderKey(key)
    const kind: HolderKind = 'pin' in ref ? 'PIN' : 'TaxCode'
    const id = LOOKUP_KEYS.get(kind)!.canonical('pin' in ref ? ref.pin : ref.taxCode)
    return id === null || !group.codes.has(kind) ? null : { kind, id }
  }

  /**
   * Each holder's records, many holders per call: in request order, a list (empty when the
   * holder has none), or an error for a holder one of whose records could not be read, so one bad
   * record fails only its holder. A group for a holder not asked for, or one named twice, fails
   * the call: the source is answering another question than ours.
   */
  async function groupMany(group: GroupPlan, asked: readonly string[], scope: RequestScope): Promise<Array<MappedRecord[] | ConnectorError>> {
    const { operation } = group
    const holders = asked.map((key) => holderIn(group, key))
    const keyOf = (holder: { kind: HolderKind; id: string }) => `${holder.kind}:${holder.id}`
    const wanted = [...new Map(holders.filter((h) => h !== null).map((h) => [keyOf(h), h])).values()]
    const kindOfCode = new Map([...group.codes].map(([kind, code]) => [String(code), kind]))
    const answers = new Map<string, MappedRecord[] | ConnectorError>()
    const size = batchSizeOf(group)
    const chunks: Array<typeof wanted> = []
    for (let i = 0; i < wanted.length; i += size) chunks.push(wanted.slice(i, i + size))
    const label = `${connector}.${operation.id}`
    await Promise.all(
      chunks.map(async (chunk) => {
        const keys = chunk.map((holder) => ({ [group.kindField]: group.codes.get(holder.kind), [group.idField]: holder.id }))
        const body = group.keysAt.reduceRight<unknown>((inner, step) => ({ [step]: inner }), keys)
        const answer = operation.soap
          ? await callSoap(operation, body, label, scope)
          : await call(
              operation,
              { method: 'POST', idempotent: true, operation: label, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
              scope,
            )
        const groups = answer === null ? undefined : (at(answer, group.result) ?? [])
        if (!Array.isArray(groups)) throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, detail: 'no list of groups' })
        const askedHere = new Set(chunk.map(keyOf))
        for (const found of groups) {
          const kind = kindOfCode.get(String(at(found, [group.kindField])))
          const rawId = at(found, [group.idField])
          const id = kind !== undefined && typeof rawId === 'string' ? LOOKUP_KEYS.get(kind)!.canonical(rawId) : null
          const key = kind === undefined || id === null ? null : keyOf({ kind, id })
          if (key === null || !askedHere.has(key) || answers.has(key))
            throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path, detail: 'a group for a key not asked for, or twice' })
          const records = at(found, group.items) ?? []
          try {
            if (!Array.isArray(records)) throw new RangeError('not a list of records')
            answers.set(
              key,
              records.map((record) => mapUpstream(connector, () => mapperOf(group.type)(record), operation.path)),
            )
          } catch (error) {
            answers.set(key, error instanceof ConnectorError ? error : new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path: operation.path }))
          }
        }
      }),
    )
    return holders.map((holder) => (holder === null ? [] : (answers.get(keyOf(holder)) ?? [])))
  }

  function createLoaders(scope: RequestScope): Partial<RegistryLoaders> {
    const loaders: Loaders = {}
    for (const group of plan.groups) {
      loaders[group.loader] = new DataLoader<string, unknown>((keys) => groupMany(group, keys, scope), { maxBatchSize: batchSizeOf(group) })
    }
    for (const lookup of plan.lookups) {
      loaders[lookup.loader] = new DataLoader<string, unknown>((keys) => lookupMany(lookup, keys, scope), { maxBatchSize: batchSizeOf(lookup.batch) })
    }
    return asRegistryLoaders(loaders)
  }

  const loaderIn = (ctx: ConnectorContext, name: string): DataLoader<string, unknown> => {
    const loader: unknown = Reflect.get(ctx.loaders, name)
    if (!(loader instanceof DataLoader)) throw new Error(`no loader ${name} in the request's context`)
    return loader
  }

  type Resolver = (parent: unknown, args: Record<string, unknown>, ctx: ConnectorContext, info: GraphQLResolveInfo) => unknown
  const query: Record<string, Resolver> = {}
  for (const lookup of plan.lookups) {
    const { name, form } = lookup.argument
    const { canonical, refusal } = LOOKUP_KEYS.get(form)!
    query[lookup.field] = (_parent, args, ctx) => {
      const key = String(args[name])
      // A key no scalar checked: a malformed one is the caller's mistake, said before any call.
      if (refusal !== undefined && canonical(key) === null) throw userInputError(`${name} ${refusal}`)
      return loaderIn(ctx, lookup.loader).load(key)
    }
  }
  for (const list of plan.lists) {
    const { byGroup } = list
    const required = list.arguments.filter((argument) => argument.required)
    query[list.field] = async (_parent, args, ctx, info) => {
      // Every argument is checked before any call (the pager checks the cursor before its first read).
      const window = { first: pageSize(args.first as number | null | undefined), after: args.after as string | null | undefined }
      const groupKey = byGroup ? groupKeyOf(byGroup, args[byGroup.argument]) : null
      const parameters = listParameters(list, args)
      if (byGroup && groupKey !== null) {
        // The group's records come whole: read once, on the pager's first read, then windowed in memory.
        let records: Promise<MappedRecord[]> | undefined
        const read = async (offset: number, limit: number) => {
          records ??= (loaderIn(ctx, byGroup.group.loader).load(groupKey) as Promise<MappedRecord[]>).then((all) =>
            all.filter((record) => inFilters(byGroup, record, args)),
          )
          const all = await records
          return { items: all.slice(offset, offset + limit), totalCount: all.length }
        }
        return ctx.pager.page({ read, maxWindow: Number.MAX_SAFE_INTEGER }, window, info)
      }
      if (required.some((argument) => parameters[argument.parameter] === undefined))
        throw userInputError(
          `${list.field} needs ${[...(byGroup ? [byGroup.argument] : []), ...required.map((argument) => argument.path.join('.'))].join(' or ')}`,
        )
      const page = await ctx.pager.page(
        { read: (offset, limit) => readWindow(list, parameters, offset, limit, ctx.scope), maxWindow: list.page.maxWindow },
        window,
        info,
      )
      // Later reads of these records in the same request (a link from another registry) need no call.
      const { lookup } = list.each
      if (lookup?.keyField) {
        const loader = loaderIn(ctx, lookup.loader)
        for (const node of page.nodes) {
          const key = node[lookup.keyField]
          if (typeof key === 'string') loader.prime(key, node)
        }
      }
      return page
    }
  }
  const resolvers: IResolvers<unknown, ConnectorContext> = { Query: query, ...linkResolvers(plan, loaderIn) }
  // Fields of other registries' records a group answers (`Citizen.landParcels`), keyed by that record's identifier.
  for (const group of plan.groups) {
    for (const answer of group.answers) {
      const owner = (resolvers[answer.type] ??= {}) as Record<string, Resolver>
      owner[answer.field] = (parent, _args, ctx) => {
        const id = (parent as Record<string, unknown> | null)?.[answer.key]
        if (typeof id !== 'string') return null
        return loaderIn(ctx, group.loader).load(holderKey(answer.kind === 'PIN' ? { pin: id } : { taxCode: id }))
      }
    }
  }

  async function health(signal?: AbortSignal): Promise<HealthReport> {
    const started = performance.now()
    const scope: RequestScope = { requestId: `health-${crypto.randomUUID()}`, ...(signal ? { signal } : {}) }
    try {
      if (plan.health.soap) {
        // Any answer the description admits, with an envelope of success if the mapping names one.
        await callSoap(plan.health, {}, `${connector}.health`, scope)
        return { ok: true, latencyMs: performance.now() - started }
      }
      const response = await send(plan.health.path, { operation: `${connector}.health` }, scope)
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

  const lookupNamed = (field: string) => {
    const lookup = lookupByField.get(field)
    if (!lookup) throw new TypeError(`connector ${connector} has no lookup ${field}`)
    return lookup
  }
  return {
    name: connector,
    resolvers,
    createLoaders,
    health,
    circuit: () => upstream.circuit(),
    lookup: (field, key, scope) => lookupOne(lookupNamed(field), key, scope),
    readAnswer(field, payload) {
      const lookup = lookupNamed(field)
      const { operation } = lookup
      return recordIn(lookup, operation.soap ? soapAnswerOf(operation, String(payload), 200) : heldToDescription(operation, payload))
    },
    lookupMany: (field, keys, scope) => lookupMany(lookupNamed(field), keys, scope),
    groupMany(loader, keys, scope) {
      const group = plan.groups.find((g) => g.loader === loader)
      if (!group) throw new TypeError(`connector ${connector} has no group ${loader}`)
      return groupMany(group, keys, scope)
    },
    async list(field, args, window, scope) {
      const list = listByField.get(field)
      if (!list) throw new TypeError(`connector ${connector} has no list ${field}`)
      const { offset, limit } = window
      if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > list.page.maxWindow)
        throw new RangeError(`list: offset must be ≥ 0 and limit 1–${list.page.maxWindow}`)
      return readWindow(list, listParameters(list, args), window.offset, window.limit, scope)
    },
  }
}

/** The group key a list's argument names (`{ pin }` → `pin:…`), null when it is not given; exactly one of its fields. */
function groupKeyOf(byGroup: NonNullable<ListPlan['byGroup']>, value: unknown): string | null {
  if (value === null || value === undefined) return null
  const given = byGroup.keyFields.filter(({ field }) => {
    const id = (value as Record<string, unknown>)[field]
    return id !== null && id !== undefined
  })
  if (given.length !== 1) throw userInputError(`${byGroup.argument} needs exactly one of ${byGroup.keyFields.map(({ field }) => field).join(' or ')}`)
  const { field, kind } = given[0]!
  const id = String((value as Record<string, unknown>)[field])
  return holderKey(kind === 'PIN' ? { pin: id } : { taxCode: id })
}

/** A record of a group is in the list when each filter given equals one of the fields it names. */
function inFilters(byGroup: NonNullable<ListPlan['byGroup']>, record: MappedRecord, args: Readonly<Record<string, unknown>>): boolean {
  return byGroup.filters.every(({ argument, paths }) => {
    const wanted = args[argument]
    return wanted === null || wanted === undefined || paths.some((path) => at(record, path) === wanted)
  })
}

/** The gateway's resilience with the source's retry policy: fewer attempts where it says so, never more. */
function withinGateway(resilience: ResilienceOptions, retries: ConnectorPlan['retries']): ResilienceOptions {
  if (!retries) return resilience
  return {
    ...resilience,
    retries: Math.min(resilience.retries ?? DEFAULT_RETRIES, retries.attempts),
    ...(retries.delayMs === undefined ? {} : { retryDelayMs: Math.max(resilience.retryDelayMs ?? 0, retries.delayMs) }),
  }
}

const toConnectorError = (error: unknown): ConnectorError => {
  if (error instanceof ConnectorError) return error
  throw error
}

/**
 * Fields answered by another registry's loader (`LegalRepresentative.citizen` from its `pin`): a
 * resolver per link, the key read from the mapped object, null when it has none.
 */
function linkResolvers(
  plan: ConnectorPlan,
  loaderIn: (ctx: ConnectorContext, name: string) => DataLoader<string, unknown>,
): Record<string, Record<string, unknown>> {
  const resolvers: Record<string, Record<string, (parent: MappedRecord, args: unknown, ctx: ConnectorContext) => unknown>> = {}
  for (const type of plan.types.values()) {
    for (const field of type.fields) {
      if (field.kind !== 'link' || !field.link) continue
      const { loader, key } = field.link
      resolvers[type.graphqlType] ??= {}
      resolvers[type.graphqlType]![field.name] = (parent, _args, ctx) => {
        const value = parent[key]
        return typeof value === 'string' && value !== '' ? loaderIn(ctx, loader).load(value) : null
      }
    }
  }
  return resolvers
}
