export { registryTypeDefs, typeDefs } from './sdl.js'
export { scalarResolvers } from './scalars/index.js'
export { DATA_CLASS_DEFINITIONS, DATA_CLASS_OF, DATA_CLASSES, dataClassesOf, resolveDataClasses, type DataClass, type DataClassMap } from './data-classes.js'
