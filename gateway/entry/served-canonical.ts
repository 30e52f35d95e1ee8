/**
 * The canonical schema an installation serves, from its described connectors however they were
 * read (from disk by the Node entry, from the build's bundle by the Workers entry): the
 * hand-written registries' types and every described source's, checked once. Runtime-neutral.
 */
import { makeExecutableSchema } from '@graphql-tools/schema'
import { assertValidSchema, type GraphQLSchema } from 'graphql'
import { canonicalCatalog, type CanonicalCatalog, type ConnectorPlan } from '../../connectors/described/index.js'
import { dataClassesOf, type DataClassMap, typeDefs } from '../../schemas/index.js'

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

export interface DescribedLoaders {
  /** The described sources. */
  plans(catalog: CanonicalCatalog): ConnectorPlan[]
  /** The land and business registries' descriptions. */
  registries(catalog: CanonicalCatalog): { land: ConnectorPlan; business: ConnectorPlan }
}

/**
 * Loads the plans against the hand-written catalog and checks the whole: the sources first, so a
 * source that takes a canonical field is named before anything else is read. Throws
 * ConnectorFilesError (every problem, with file and line) when a described folder does not load.
 */
export function buildServedCanonical(load: DescribedLoaders): ServedCanonical {
  const catalog = canonicalCatalog(typeDefs)
  const plans = load.plans(catalog)
  // The canonical root fields are served by the hand-written connectors: a described source that
  // answered one too would silently take its resolvers and its loader (the last merged wins).
  for (const plan of plans) {
    const taken = [...plan.lookups.map((lookup) => lookup.field), ...plan.lists.map((list) => list.field)].filter((field) => catalog.query.has(field))
    if (taken.length)
      throw new Error(
        `connector ${plan.name}: answers ${taken.map((field) => `Query.${field}`).join(', ')}, which a hand-written connector serves; one registry answers a field`,
      )
  }
  const registries = load.registries(catalog)
  const all = [...typeDefs, ...plans.map((plan) => plan.sdl)]
  const schema = makeExecutableSchema({ typeDefs: all })
  // Every name and type valid now: a schema GraphQL would refuse on the first request must stop the start.
  assertValidSchema(schema)
  return { plans, registries, typeDefs: all, schema, dataClasses: dataClassesOf(schema) }
}
