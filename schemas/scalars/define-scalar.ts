import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql'

export interface StringScalarOptions {
  name: string
  description: string
  /** Returns the canonical form, or `null` when the value is not valid. */
  normalise: (value: string) => string | null
  /** What a valid value looks like, for error messages. */
  expected: string
}

/**
 * A string scalar that checks and normalises on input (literal or variable) and on output. An
 * invalid input is a `BAD_USER_INPUT` error that names the scalar and never echoes the value, so
 * a mistyped PIN does not end up in logs. Invalid output from a registry is caught by the
 * connectors before it gets here; a value that still fails is an internal error.
 */
export function defineStringScalar(options: StringScalarOptions): GraphQLScalarType<string, string> {
  const { name, normalise, expected } = options
  const invalid = () =>
    new GraphQLError(`Invalid ${name}: expected ${expected}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    })
  const parse = (value: unknown): string => {
    if (typeof value !== 'string') throw invalid()
    const normalised = normalise(value)
    if (normalised === null) throw invalid()
    return normalised
  }
  return new GraphQLScalarType<string, string>({
    name,
    description: options.description,
    serialize(value) {
      if (typeof value !== 'string' || normalise(value) === null) {
        throw new GraphQLError(`${name} cannot represent this value`)
      }
      return normalise(value) as string
    },
    parseValue: parse,
    parseLiteral(ast: ValueNode) {
      if (ast.kind !== Kind.STRING) throw invalid()
      return parse(ast.value)
    },
  })
}
