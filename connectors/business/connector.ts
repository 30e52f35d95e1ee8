import DataLoader from 'dataloader'
import {
  clientOptionsOf,
  ConnectorError,
  createUpstream,
  parseUpstream,
  type Enterprise,
  type HealthReport,
  type ListWindow,
  type RegistryClientOptions,
  type RegistryConnector,
  type RegistryLoaders,
  type RequestScope,
} from '../kit/index.js'
import { normaliseTaxCode } from '../../schemas/scalars/index.js'
import { expectCode, readEnterprise, readEnterpriseBatch } from './map.js'
import type { EnterpriseSearch } from './operations.js'
import { createBusinessResolvers } from './resolvers.js'
import { batchEnvelopeSchema, detailEnvelopeSchema, healthEnvelopeSchema, paths, REGISTRY_MAX_BATCH, searchEnvelopeSchema, statusIdByCode } from './upstream.js'

/** Client options (kit/upstream-fetch.ts): deadline (@default 3000 ms), resilience (@default off: the entry turns it on), transport. */
export interface BusinessConnectorOptions extends RegistryClientOptions {
  /** Base URL of the registry API, e.g. `http://127.0.0.1:8183`. */
  baseUrl: string
  /** Codes per batch call (the registry accepts up to 100). @default 100 */
  maxBatchSize?: number
  /** Sent as `x-api-key` when the registry requires one. */
  apiKey?: string
}

export interface BusinessConnector extends RegistryConnector<Pick<RegistryLoaders, 'enterprise'>> {
  readonly name: 'business'
  /** One enterprise or branch by tax code; `null` when the registry has none. */
  enterprise(code: string, scope: RequestScope): Promise<Enterprise | null>
  /**
   * Many codes, one registry call per `maxBatchSize` codes, answers in request order: a malformed
   * record is a `ConnectorError` for its own key only.
   */
  enterprisesByCode(codes: readonly string[], scope: RequestScope): Promise<Array<Enterprise | null | ConnectorError>>
  /**
   * One window of the search, full records in the registry's order (one search call plus one
   * batch call); the resolver's pager cuts pages from windows.
   */
  search(query: EnterpriseSearch, scope: RequestScope): Promise<ListWindow<Enterprise>>
}

/**
 * Creates the connector of the national business registration database.
 * @example
 * const business = createBusinessConnector({ baseUrl: 'http://127.0.0.1:8183', timeoutMs: 2000 })
 * const enterprise = await business.enterprise('0199000017', { requestId: 'r-1' })
 */
export function createBusinessConnector(options: BusinessConnectorOptions): BusinessConnector {
  const maxBatchSize = options.maxBatchSize ?? REGISTRY_MAX_BATCH
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1 || maxBatchSize > REGISTRY_MAX_BATCH) {
    throw new TypeError(`createBusinessConnector: maxBatchSize must be 1–${REGISTRY_MAX_BATCH}`)
  }
  const upstream = createUpstream({
    connector: 'business',
    baseUrl: options.baseUrl,
    ...clientOptionsOf(options),
    ...(options.apiKey === undefined ? {} : { headers: { 'x-api-key': options.apiKey } }),
  })

  /** `Status` 0 on a 200 means the registry failed to serve the request: worth a retry. */
  function expectSuccess(envelope: { Status: number }, path: string): void {
    if (envelope.Status !== 1) {
      throw new ConnectorError('business', 'UPSTREAM_UNAVAILABLE', { path, detail: `envelope Status ${envelope.Status}` })
    }
  }

  async function enterprise(code: string, scope: RequestScope): Promise<Enterprise | null> {
    const canonical = normaliseTaxCode(code)
    if (canonical === null) return null
    const envelope = await upstream.json(paths.detail, detailEnvelopeSchema, { operation: 'enterprise.byCode', query: { msdn: canonical } }, scope)
    if (envelope === null) return null
    expectSuccess(envelope, paths.detail)
    return expectCode(readEnterprise(envelope.Data, paths.detail), canonical, paths.detail)
  }

  async function fetchChunk(codes: string[], scope: RequestScope): Promise<Array<Enterprise | null | ConnectorError>> {
    const envelope = await upstream.json(
      paths.batch,
      batchEnvelopeSchema,
      {
        method: 'POST',
        idempotent: true,
        operation: 'enterprise.batch',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ msdn: codes }),
      },
      scope,
    )
    // The batch endpoint answers 404 only if it does not exist; treat that as "none found".
    if (envelope === null) return codes.map(() => null)
    expectSuccess(envelope, paths.batch)
    return readEnterpriseBatch(codes, envelope.Data ?? [], paths.batch)
  }

  async function enterprisesByCode(codes: readonly string[], scope: RequestScope): Promise<Array<Enterprise | null | ConnectorError>> {
    const canonical = codes.map((code) => normaliseTaxCode(code))
    const wanted = [...new Set(canonical.filter((code): code is string => code !== null))]
    const answers = new Map<string, Enterprise | null | ConnectorError>()
    const chunks: string[][] = []
    for (let i = 0; i < wanted.length; i += maxBatchSize) chunks.push(wanted.slice(i, i + maxBatchSize))
    const results = await Promise.all(chunks.map((chunk) => fetchChunk(chunk, scope)))
    chunks.forEach((chunk, i) => chunk.forEach((code, j) => answers.set(code, results[i]?.[j] ?? null)))
    return canonical.map((code) => (code === null ? null : (answers.get(code) ?? null)))
  }

  async function search(query: EnterpriseSearch, scope: RequestScope): Promise<ListWindow<Enterprise>> {
    const { offset, limit } = query
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > REGISTRY_MAX_BATCH) {
      throw new RangeError(`search: offset must be ≥ 0 and limit 1–${REGISTRY_MAX_BATCH}`)
    }
    const name = query.name?.trim()
    const envelope = await upstream.json(
      paths.search,
      searchEnvelopeSchema,
      {
        operation: 'enterprise.search',
        query: {
          ten: name ? name : undefined,
          tinh: query.provinceCode === undefined ? undefined : Number(query.provinceCode),
          trangThai: query.status === undefined ? undefined : statusIdByCode[query.status],
          offset,
          limit,
        },
      },
      scope,
    )
    if (envelope === null) throw new ConnectorError('business', 'UPSTREAM_BAD_RESPONSE', { path: paths.search, status: 404 })
    expectSuccess(envelope, paths.search)
    const rows = envelope.Data ?? []
    const codes = rows.map((row) => {
      const code = normaliseTaxCode(row.MainInformation.ENTERPRISE_GDT_CODE.trim())
      if (code === null) throw new ConnectorError('business', 'UPSTREAM_BAD_RESPONSE', { path: paths.search, detail: 'invalid ENTERPRISE_GDT_CODE' })
      return code
    })
    // Search rows are summaries; the page needs full records, fetched in one batch call.
    const records = codes.length === 0 ? [] : await fetchChunk(codes, scope)
    const items = records.map((record) => {
      if (record instanceof ConnectorError) throw record
      // A record removed between the two calls keeps its position, as a gap.
      return record
    })
    return { items, totalCount: envelope.DataCount }
  }

  function createLoaders(scope: RequestScope): Pick<RegistryLoaders, 'enterprise'> {
    return {
      enterprise: new DataLoader<string, Enterprise | null>((codes) => enterprisesByCode(codes, scope), { cache: true, maxBatchSize }),
    }
  }

  async function health(signal?: AbortSignal): Promise<HealthReport> {
    const started = performance.now()
    const scope: RequestScope = { requestId: `health-${crypto.randomUUID()}`, ...(signal ? { signal } : {}) }
    try {
      const response = await upstream.send(paths.health, { operation: 'health' }, scope)
      const latencyMs = performance.now() - started
      if (response.status !== 200) return { ok: false, latencyMs, detail: `HTTP ${response.status}` }
      const envelope = parseUpstream('business', healthEnvelopeSchema, JSON.parse(response.text), paths.health)
      return envelope.Status === 1 ? { ok: true, latencyMs } : { ok: false, latencyMs, detail: `envelope Status ${envelope.Status}` }
    } catch (error) {
      const detail = error instanceof ConnectorError ? error.code : 'UPSTREAM_BAD_RESPONSE'
      return { ok: false, latencyMs: performance.now() - started, detail }
    }
  }

  const core = { enterprise, enterprisesByCode, search }
  return { name: 'business', ...core, resolvers: createBusinessResolvers(core), createLoaders, health, circuit: () => upstream.circuit() }
}
