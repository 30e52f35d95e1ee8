/**
 * The canonical schema this installation serves: the hand-written registries' and every source
 * connected by description under `connectors/` (a folder with a `mapping.yaml`). Read once per
 * process; the gateway, the policy store's validator and the CLI all check against this one, so a
 * policy that grants a described source's field validates where it is served.
 */
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { makeExecutableSchema } from '@graphql-tools/schema'
import { assertValidSchema, type GraphQLSchema } from 'graphql'
import { canonicalCatalog, type ConnectorPlan } from '../../connectors/described/index.js'
import { readDescribedConnectors, readDescribedFolder } from '../../connectors/described/folders.node.js'
import { BUSINESS_SANDBOX_API_KEY, LAND_SANDBOX_ACCOUNT } from '../../connectors/sandboxes.js'
import { dataClassesOf, type DataClassMap, typeDefs } from '../../schemas/index.js'

/** Where described connectors live: the repository's own `connectors/` folder. */
export const CONNECTORS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'connectors')

export interface ServedCanonical {
  /** The described sources, checked against the hand-written schema. */
  plans: readonly ConnectorPlan[]
  /**
   * The canonical registries connected by description (`connectors/land/described`,
   * `connectors/business/described`): they answer the schema's own land and business fields.
   */
  registries: { land: ConnectorPlan; business: ConnectorPlan }
  /** Hand-written SDL, then each described source's. */
  typeDefs: readonly string[]
  /** Without resolvers: what policies are validated against. */
  schema: GraphQLSchema
  dataClasses: DataClassMap
}

const served = new Map<string, ServedCanonical>()

/** Throws ConnectorFilesError (every problem, with file and line) when a described folder does not load. */
export function servedCanonical(root: string = CONNECTORS_ROOT): ServedCanonical {
  let canonical = served.get(root)
  if (!canonical) {
    const catalog = canonicalCatalog(typeDefs)
    const plans = readDescribedConnectors(root, catalog)
    // The canonical root fields are served by the hand-written connectors: a described source that
    // answered one too would silently take its resolvers and its loader (the last merged wins).
    for (const plan of plans) {
      const taken = [...plan.lookups.map((lookup) => lookup.field), ...plan.lists.map((list) => list.field)].filter((field) => catalog.query.has(field))
      if (taken.length)
        throw new Error(
          `connector ${plan.name}: answers ${taken.map((field) => `Query.${field}`).join(', ')}, which a hand-written connector serves; one registry answers a field`,
        )
    }
    const registries = {
      land: readDescribedFolder(join(root, 'land'), 'described', catalog, 'land'),
      business: readDescribedFolder(join(root, 'business'), 'described', catalog, 'business'),
    }
    const all = [...typeDefs, ...plans.map((plan) => plan.sdl)]
    const schema = makeExecutableSchema({ typeDefs: all })
    // Every name and type valid now: a schema GraphQL would refuse on the first request must stop the start.
    assertValidSchema(schema)
    canonical = { plans, registries, typeDefs: all, schema, dataClasses: dataClassesOf(schema) }
    served.set(root, canonical)
  }
  return canonical
}

/** The land and business registries on their sandboxes, with the sandboxes' synthetic credentials (development, tests, load tests). */
export function sandboxRegistries(urls: { land: string; business: string }, root: string = CONNECTORS_ROOT) {
  const { registries } = servedCanonical(root)
  return {
    land: { plan: registries.land, baseUrl: urls.land, credentials: LAND_SANDBOX_ACCOUNT },
    business: { plan: registries.business, baseUrl: urls.business, apiKey: BUSINESS_SANDBOX_API_KEY },
  }
}
