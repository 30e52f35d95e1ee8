import { makeExecutableSchema } from '@graphql-tools/schema'
import { getNamedType, isObjectType, type GraphQLObjectType } from 'graphql'
import { describe, expect, it } from 'vitest'
import { DATA_CLASS_OF, DATA_CLASSES, resolveDataClasses } from './data-classes.js'
import { typeDefs } from './index.js'

const schema = makeExecutableSchema({ typeDefs })
/** Every `Type.field` of the built schema whose named type is `scalar`. */
const fieldsOf = (scalar: string) =>
  Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
    .flatMap((type) =>
      Object.values((type as GraphQLObjectType).getFields())
        .filter((f) => getNamedType(f.type).name === scalar)
        .map((f) => `${type.name}.${f.name}`),
    )
    .sort()

describe('data classes of the canonical schema', () => {
  it('every field of the PIN scalar, in every type and extension, is class pin', () => {
    expect(fieldsOf('PIN').length).toBeGreaterThanOrEqual(6)
    expect(DATA_CLASSES.get('pin')).toEqual(fieldsOf('PIN'))
  })

  it('every field of the TaxCode scalar is class taxCode', () => {
    expect(DATA_CLASSES.get('taxCode')).toEqual(fieldsOf('TaxCode'))
  })

  it('household ids and CMND numbers, which have no scalar of their own, by field', () => {
    expect(DATA_CLASSES.get('householdId')).toEqual(['Household.id', 'HouseholdMembership.householdId'])
    expect(DATA_CLASSES.get('legacyIdNumber')).toEqual(['Citizen.legacyIdNumber'])
  })

  it('a field is in one class, and the reverse index agrees', () => {
    const all = [...DATA_CLASSES.values()].flat()
    expect(new Set(all).size).toBe(all.length)
    for (const [name, coordinates] of DATA_CLASSES) for (const coordinate of coordinates) expect(DATA_CLASS_OF.get(coordinate)).toBe(name)
  })

  it('a listed field the schema does not have is an error, not a class that silently shrinks', () => {
    const withoutHouseholds = typeDefs.map((sdl) => sdl.replace(/householdId: ID!/, 'householdRef: ID!'))
    expect(() => resolveDataClasses(withoutHouseholds)).toThrow('HouseholdMembership.householdId')
  })
})
