/**
 * Every part of the schema a caller can see describes itself twice, for the officers and for the
 * vendors' developers: Vietnamese first, then " / ", then English. Walked over the whole schema,
 * so a type, field, argument, input field, enum value or scalar added without its description
 * fails here, all of them in one message.
 */
import { makeExecutableSchema } from '@graphql-tools/schema'
import {
  type GraphQLArgument,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedDirective,
  isSpecifiedScalarType,
} from 'graphql'
import { describe, expect, it } from 'vitest'
import { scalarResolvers, typeDefs } from './index.js'

/** One of the letters only Vietnamese writes (with a diacritic, or đ). */
const VIETNAMESE_LETTER = /[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]/i

/** What is wrong with a description, or null when it is "Tiếng Việt / English". */
function fault(description: string | null | undefined): string | null {
  if (description === null || description === undefined || description.trim() === '') return 'no description'
  if (!/^.+ \/ .+$/s.test(description)) return `not "Tiếng Việt / English": ${JSON.stringify(description)}`
  const vietnamese = description.slice(0, description.indexOf(' / '))
  if (!VIETNAMESE_LETTER.test(vietnamese)) return `its first half is not Vietnamese: ${JSON.stringify(description)}`
  return null
}

/** Every place of the schema a caller sees, by its coordinate, with what is wrong with its description. */
function descriptionProblems(schema: GraphQLSchema): string[] {
  const problems: string[] = []
  const check = (place: string, description: string | null | undefined) => {
    const found = fault(description)
    if (found !== null) problems.push(`${place}: ${found}`)
  }
  const checkArgs = (place: string, args: readonly GraphQLArgument[]) => {
    for (const arg of args) check(`${place}(${arg.name}:)`, arg.description)
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue
    check(type.name, type.description)
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description)
        checkArgs(`${type.name}.${field.name}`, field.args)
      }
    }
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description)
    if (isEnumType(type)) for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description)
  }
  for (const directive of schema.getDirectives()) {
    if (isSpecifiedDirective(directive)) continue
    check(`@${directive.name}`, directive.description)
    checkArgs(`@${directive.name}`, directive.args)
  }
  return problems
}

describe('the schema describes itself in Vietnamese and English', () => {
  it('every type, field, argument, input field, enum value and scalar of the canonical SDL', () => {
    const problems = descriptionProblems(makeExecutableSchema({ typeDefs }))
    expect(problems).toEqual([])
  })

  it('and so does the schema the gateway serves, whose scalars bring their own descriptions', () => {
    const sdl = makeExecutableSchema({ typeDefs })
    const served = makeExecutableSchema({ typeDefs, resolvers: scalarResolvers })
    expect(descriptionProblems(served)).toEqual([])
    // A scalar describes itself the same in the published contract and in introspection.
    const differing = Object.keys(scalarResolvers).filter((name) => served.getType(name)?.description !== sdl.getType(name)?.description)
    expect(differing).toEqual([])
  })

  it('the check finds what is missing or half done, wherever it is', () => {
    const schema = makeExecutableSchema({
      typeDefs: /* GraphQL */ `
        "Truy vấn / Queries"
        type Query {
          "Only English"
          a(x: Int): E
          "Chỉ tiếng Việt"
          b: Int
          "English first / Tiếng Việt sau"
          c: Int
          "Đủ cả hai / Both"
          d("Tham số / Argument" y: Int): Int
        }
        enum E {
          "Giá trị / Value"
          ONE
          TWO
        }
        input I {
          "Trường / Field"
          ok: Int
          missing: Int
        }
        scalar S
        type Unused { i(v: I): S }
      `,
    })
    expect(descriptionProblems(schema)).toEqual([
      'Query.a: not "Tiếng Việt / English": "Only English"',
      'Query.a(x:): no description',
      'Query.b: not "Tiếng Việt / English": "Chỉ tiếng Việt"',
      'Query.c: its first half is not Vietnamese: "English first / Tiếng Việt sau"',
      'E: no description',
      'E.TWO: no description',
      'I: no description',
      'I.missing: no description',
      'S: no description',
      'Unused: no description',
      'Unused.i: no description',
      'Unused.i(v:): no description',
    ])
  })
})
