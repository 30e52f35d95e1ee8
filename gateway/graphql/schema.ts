import { makeExecutableSchema } from '@graphql-tools/schema'
import type { IResolvers } from '@graphql-tools/utils'
import type { GraphQLSchema } from 'graphql'
import { adminUnitResolvers, type Connectors } from '../../connectors/index.js'
import { scalarResolvers, typeDefs } from '../../schemas/index.js'
import { createExchangeResolvers, type ExchangeService } from '../exchange/resolvers.js'

/**
 * The canonical schema with every connector's resolvers and the dossier exchange's. Built once
 * per gateway, never per request. Without an exchange service the exchange's fields answer that
 * it is not enabled.
 */
export function buildGatewaySchema(connectors: Connectors, exchange?: ExchangeService): GraphQLSchema {
  return makeExecutableSchema({
    // Sources connected by description add their types and root fields after the canonical ones.
    typeDefs: [...typeDefs, ...connectors.described.map((source) => source.plan.sdl)],
    resolvers: [
      scalarResolvers,
      adminUnitResolvers,
      connectors.population.resolvers,
      connectors.land.resolvers,
      connectors.business.resolvers,
      ...connectors.described.map((source) => source.connector.resolvers),
      createExchangeResolvers(exchange) as IResolvers,
    ],
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  })
}
