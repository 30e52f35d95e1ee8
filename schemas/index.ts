export { registryTypeDefs, typeDefs } from './sdl.js'
export { scalarResolvers } from './scalars/index.js'
export { DATA_CLASS_DEFINITIONS, DATA_CLASS_OF, DATA_CLASSES, resolveDataClasses, type DataClass } from './data-classes.js'
