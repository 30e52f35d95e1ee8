/**
 * `schema.graphql` at the repository root is the whole GraphQL schema as the code prints it, so
 * that a schema change shows in review; the contract's copy is the same text.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql'
import { expect, it } from 'vitest'
import { contractDocuments, graphqlSdl as printSdl } from '../gateway/contract/index.js'
import { servedCanonical } from '../gateway/entry/canonical.js'
import { repoRoot } from './gateway-process.js'

/** The schema as served: the canonical one and the sources connected by description. */
const graphqlSdl = () => printSdl(servedCanonical().typeDefs)

it('schema.graphql is what the code prints', () => {
  const committed = readFileSync(join(repoRoot, 'schema.graphql'), 'utf8')
  expect(committed === graphqlSdl(), 'schema.graphql differs from the schema in the code: run `npm run schema:print` and commit it').toBe(true)
})

it('is a whole schema, sorted, and the contract publishes the same text', () => {
  const sdl = graphqlSdl()
  const schema = buildSchema(sdl)
  expect(schema.getQueryType()?.getFields().citizen).toBeDefined()
  expect(schema.getMutationType()?.getFields().transferDossier).toBeDefined()
  expect(schema.getQueryType()?.getFields().socialInsuranceRecord).toBeDefined()
  // Sorted: sorting it again and printing it changes nothing.
  expect(`${printSchema(lexicographicSortSchema(schema))}\n`).toBe(sdl)
  expect(contractDocuments(servedCanonical().typeDefs).find((document) => document.name === 'schema.graphql')?.text).toBe(sdl)
})
