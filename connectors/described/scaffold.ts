/**
 * The first mapping of a new source, written from its description (`lgsp connector new`): every
 * operation and every field of its answers listed, so the person completing it maps from what the
 * source offers rather than from memory. The stub is valid YAML and deliberately does not load:
 * `lgsp connector check` then names, line by line, what is left to decide.
 */
import type { DescribedOperation, JsonSchema, SourceDescription } from './description.js'
import { kindOf, mergeAllOf } from './json-schema.js'

/** Every field path of a schema, with its kind, as `path: kind` lines (arrays of records as `path[]`). */
function fieldLines(schema: JsonSchema, prefix = '', depth = 0): string[] {
  const merged = mergeAllOf(schema)
  const kind = kindOf(merged)
  if (kind === 'array' && depth < 6) return fieldLines((merged.items ?? {}) as JsonSchema, `${prefix}[]`, depth + 1)
  if (kind !== 'object' || depth >= 6) {
    const values = Array.isArray(merged.enum) ? ` (codes: ${merged.enum.map(String).join(', ')})` : ''
    return prefix ? [`${prefix}: ${kind}${values}`] : []
  }
  const properties = (merged.properties ?? {}) as Record<string, JsonSchema>
  return Object.entries(properties).flatMap(([name, property]) => fieldLines(property, prefix ? `${prefix}.${name}` : name, depth + 1))
}

function operationComment(operation: DescribedOperation): string[] {
  const params = operation.parameters.map((p) => `${p.in} ${p.name}${p.required ? ' (required)' : ''}`)
  const body = operation.requestBody ? fieldLines(operation.requestBody.schema).map((line) => `body ${line}`) : []
  const answer = operation.responses.find((r) => r.status === 200 && r.schema)?.schema
  const answers = operation.soap ? 'no XML' : 'no JSON'
  return [
    `#   ${operation.id}: ${operation.method} ${operation.path}`,
    ...[...params, ...body].map((line) => `#     takes ${line}`),
    ...(answer ? fieldLines(answer).map((line) => `#     answers ${line}`) : [`#     answers ${answers}`]),
  ]
}

/** A GraphQL type name from the connector's name: `social-insurance` → `SocialInsuranceRecord`. */
const typeNameOf = (connector: string) => `${connector.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase())}Record`
const fieldNameOf = (connector: string) => `${connector.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Record`

export function scaffoldMapping(description: SourceDescription, connector: string, descriptionFile: string): string {
  const operations = [...description.operations.values()]
  // A first guess at the lookup and the health check, to be confirmed: an operation that takes one
  // required value (a GET's parameter, a SOAP request's field), and one that takes none.
  const takes = (op: DescribedOperation): string[] =>
    op.soap ? ((op.requestBody?.schema.required as string[] | undefined) ?? []) : op.parameters.filter((p) => p.required).map((p) => p.name)
  const readable = (op: DescribedOperation) => op.soap !== undefined || op.method === 'GET'
  const lookup = operations.find((op) => readable(op) && takes(op).length === 1)
  const health = operations.find((op) => readable(op) && takes(op).length === 0 && op !== lookup)
  const key = lookup ? { name: takes(lookup)[0]! } : undefined
  const auth = description.apiKeys[0]
  const type = typeNameOf(connector)
  return [
    `# ${connector}: the mapping of ${description.title} (${descriptionFile}) onto the canonical schema.`,
    `# Written by \`lgsp connector new\`. Complete it, then run \`lgsp connector check ${connector}\`:`,
    '# it names every line still to decide. connectors/described/README.md describes each key.',
    '#',
    '# What the description offers:',
    ...operations.flatMap(operationComment),
    `connector: ${connector}`,
    `registry: ${JSON.stringify(description.title)}`,
    `description: ${descriptionFile}`,
    auth
      ? `auth: { kind: apiKey, header: ${auth.header} }   # the value: UPSTREAM_${connector.toUpperCase().replaceAll('-', '_')}_API_KEY`
      : 'auth: { kind: none }',
    '# envelope: { status: <the field every answer carries to say success>, success: <its value on success> }',
    `health: { operation: ${health?.id ?? 'TODO-an-operation-without-parameters'} }`,
    'types:',
    `  ${type}:`,
    '    description: TODO say what one record is, in Vietnamese and English',
    '    fields:',
    '      # one entry per canonical field: { type: <GraphQL type>, from: <path above>, and text/date/zeroPad/codes as needed }',
    '      TODO: { type: String!, from: TODO }',
    'query:',
    `  ${fieldNameOf(connector)}:`,
    '    description: TODO',
    `    type: ${type}`,
    `    arguments: { ${key?.name ?? 'key'}: { type: PIN!, to: ${key?.name ?? 'TODO'} } }   # PIN or TaxCode`,
    `    operation: ${lookup?.id ?? 'TODO'}`,
    '    result: TODO   # where the record is in the answer',
    '    key: TODO      # the field of the record that holds its key (checked on every answer)',
    '',
  ].join('\n')
}
