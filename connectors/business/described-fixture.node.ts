/**
 * The business registry connected by description (`described/`: its OpenAPI document and mapping,
 * no code), behind the hand-written connector's interface, so the same connector tests run against
 * both: the engine must answer every case the hand-written client does.
 */
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { canonicalCatalog, createDescribedConnector, type DescribedConnector } from '../described/index.js'
import { readDescribedFolder } from '../described/folders.node.js'
import type { Enterprise, RegistryLoaders } from '../kit/index.js'
import { typeDefs } from '../../schemas/index.js'
import type { BusinessConnector, BusinessConnectorOptions } from './connector.js'

/**
 * The plan of `described/`, loaded as the gateway loads a described folder; the folder is named
 * for the connector it will replace, `business`, while both live side by side.
 */
export const describedBusinessPlan = () => readDescribedFolder(dirname(fileURLToPath(import.meta.url)), 'described', canonicalCatalog(typeDefs), 'business')

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
