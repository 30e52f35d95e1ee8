import { typeDefs as business } from './business.graphql.js'
import { typeDefs as common } from './common.graphql.js'
import { typeDefs as land } from './land.graphql.js'
import { typeDefs as population } from './population.graphql.js'

/** The canonical SDL, in dependency order: common types first, then each registry. */
export const typeDefs: string[] = [common, population, business, land]

export { scalarResolvers } from './scalars/index.js'
export { DATA_CLASS_DEFINITIONS, DATA_CLASS_OF, DATA_CLASSES, resolveDataClasses, type DataClass } from './data-classes.js'
