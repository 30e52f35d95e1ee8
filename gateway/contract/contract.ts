import { makeExecutableSchema } from '@graphql-tools/schema'
import { lexicographicSortSchema, printSchema } from 'graphql'
import { z } from 'zod'
import { stepMessageSchema } from '../../connectors/index.js'
import { typeDefs } from '../../schemas/index.js'
import { partnerOpenApi } from './openapi.js'

/**
 * The version of the contract partner systems are built against: raised whenever a published
 * document changes in a way a partner must notice.
 */
export const CONTRACT_VERSION = '2026-12-04.5'

export interface ContractDocument {
  /** Its file name under the export directory (`docs/contract/`). */
  name: string
  mediaType: string
  text: string
}

/**
 * The JSON Schema of the step message, from its zod definition: the one place it is made, for its
 * own document and for the OpenAPI document's `components/schemas/StepMessage` alike.
 */
export function stepMessageJsonSchema(): Record<string, unknown> {
  return {
    $id: `urn:lgsp:contract:${CONTRACT_VERSION}:step-message`,
    title: 'LGSP dossier step message',
    description: 'One dossier step, as the gateway pushes it (signed, RFC 9421 over RFC 9530 Content-Digest) or lists it in dossierInbox.',
    ...z.toJSONSchema(stepMessageSchema, { target: 'draft-2020-12' }),
  }
}

const jsonText = (value: object) => `${JSON.stringify(value, null, 2)}\n`

/**
 * The whole GraphQL schema as SDL (`sdl`: the canonical one and any described source's, as served),
 * types and fields sorted by name so that a diff shows only what
 * changed: the contract's `schema.graphql` and the repository's own (`npm run schema:print`).
 */
export function graphqlSdl(sdl: readonly string[] = typeDefs): string {
  return `${printSchema(lexicographicSortSchema(makeExecutableSchema({ typeDefs: [...sdl] })))}\n`
}

/**
 * The contract as documents, generated from the code that enforces it (never written twice):
 * the GraphQL SDL every caller sees in full (each agency sees its own part of it), the JSON
 * Schema of the message each step pushes to the systems that must hear of it, and the OpenAPI
 * document of the HTTP around them (the push a partner serves, the routes it calls). `lgsp
 * contract export` writes them, the gateway serves them at `/v1/contract`; a test fails when the
 * committed files and the code differ.
 */
export function contractDocuments(sdl: readonly string[] = typeDefs): ContractDocument[] {
  const stepMessage = stepMessageJsonSchema()
  return [
    { name: 'schema.graphql', mediaType: 'application/graphql', text: graphqlSdl(sdl) },
    { name: 'step-message.schema.json', mediaType: 'application/schema+json', text: jsonText(stepMessage) },
    { name: 'partner-openapi.json', mediaType: 'application/openapi+json', text: jsonText(partnerOpenApi({ version: CONTRACT_VERSION, stepMessage })) },
    { name: 'VERSION', mediaType: 'text/plain', text: `${CONTRACT_VERSION}\n` },
  ]
}
