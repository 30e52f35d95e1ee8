/**
 * The business registry connected by description (`described/`: its OpenAPI document and mapping,
 * no code), behind the interface its tests call: one code, many codes, a search window. The tests
 * were written for the hand-written connector it replaced, and hold the engine to every case.
 */
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { canonicalCatalog, type ConnectorPlan, createDescribedConnector, type DescribedConnector } from '../described/index.js'
import { readDescribedFolder } from '../described/folders.node.js'
import type {
  ConnectorError,
  Enterprise,
  EnterpriseStatusCode,
  ListWindow,
  RegistryClientOptions,
  RegistryConnector,
  RegistryLoaders,
  RequestScope,
} from '../kit/index.js'
import { typeDefs } from '../../schemas/index.js'

/** Client options (kit/upstream-fetch.ts): deadline, resilience, transport; the base URL and the key. */
export interface BusinessConnectorOptions extends RegistryClientOptions {
  baseUrl: string
  /** Codes per batch call, at most the mapping's 100. */
  maxBatchSize?: number
  /** Sent as `x-api-key`; the sandbox takes any. */
  apiKey?: string
}

export interface EnterpriseSearch {
  name?: string
  provinceCode?: string
  status?: EnterpriseStatusCode
  offset: number
  limit: number
}

/** The registry's reads as its tests call them: one code, many codes, a search window. */
export interface BusinessConnector extends RegistryConnector<Pick<RegistryLoaders, 'enterprise'>> {
  readonly name: 'business'
  enterprise(code: string, scope: RequestScope): Promise<Enterprise | null>
  enterprisesByCode(codes: readonly string[], scope: RequestScope): Promise<Array<Enterprise | null | ConnectorError>>
  search(query: EnterpriseSearch, scope: RequestScope): Promise<ListWindow<Enterprise>>
}

/**
 * The plan of `described/`, loaded as the gateway loads a described folder; the folder is named
 * for the connector it will replace, `business`, while both live side by side.
 */
let plan: ConnectorPlan | undefined
/** Read once per process: every connector a test makes shares the checked plan (the engine never changes it). */
export const describedBusinessPlan = () =>
  (plan ??= readDescribedFolder(dirname(fileURLToPath(import.meta.url)), 'described', canonicalCatalog(typeDefs), 'business'))

/**
 * The engine's records are checked against the canonical `Enterprise` by the plan; the cast only
 * names that type for the tests' assertions.
 */
const asEnterprise = (record: Record<string, unknown> | null) => record as Enterprise | null

export function createDescribedBusinessConnector(options: BusinessConnectorOptions): BusinessConnector & { described: DescribedConnector } {
  const { apiKey, ...client } = options
  const described = createDescribedConnector(describedBusinessPlan(), { ...client, apiKey: apiKey ?? 'sandbox-key-not-required' })
  return {
    name: 'business',
    described,
    resolvers: described.resolvers,
    health: described.health,
    circuit: described.circuit,
    createLoaders: (scope) => described.createLoaders(scope) as Pick<RegistryLoaders, 'enterprise'>,
    enterprise: async (code, scope) => asEnterprise(await described.lookup('enterprise', code, scope)),
    enterprisesByCode: async (codes, scope) => (await described.lookupMany('enterprise', codes, scope)).map((r) => (r instanceof Error ? r : asEnterprise(r))),
    search: async (query, scope) => {
      const window = await described.list(
        'enterprises',
        { filter: { name: query.name, province: query.provinceCode, status: query.status } },
        { offset: query.offset, limit: query.limit },
        scope,
      )
      return { items: window.items.map(asEnterprise), totalCount: window.totalCount }
    },
  }
}
