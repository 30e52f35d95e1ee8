import { makeExecutableSchema } from '@graphql-tools/schema'
import type { GraphQLSchema } from 'graphql'
import { adminUnitResolvers, type Connectors } from '../../connectors/index.js'
import { scalarResolvers, typeDefs } from '../../schemas/index.js'

/** The canonical schema with every connector's resolvers. Built once per gateway, never per request. */
export function buildGatewaySchema(connectors: Connectors): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs,
    resolvers: [scalarResolvers, adminUnitResolvers, connectors.population.resolvers, connectors.land.resolvers, connectors.business.resolvers],
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  })
}
