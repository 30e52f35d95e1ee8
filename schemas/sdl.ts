import { typeDefs as business } from './business.graphql.js'
import { typeDefs as common } from './common.graphql.js'
import { typeDefs as exchange } from './exchange.graphql.js'
import { typeDefs as land } from './land.graphql.js'
import { typeDefs as population } from './population.graphql.js'

/**
 * Each registry's part of the canonical SDL, by registry name: which registry serves a field or
 * a type (for the cost of a request) is read from here. A new registry adds its file and one
 * line.
 */
export const registryTypeDefs: Readonly<Record<string, string>> = { population, business, land }

/** The canonical SDL, in dependency order: common types first, then each registry, then the dossier exchange. */
export const typeDefs: string[] = [common, ...Object.values(registryTypeDefs), exchange]
