import { makeExecutableSchema } from '@graphql-tools/schema'
import { lexicographicSortSchema, printSchema } from 'graphql'
import { z } from 'zod'
import { stepMessageSchema } from '../../connectors/index.js'
import { typeDefs } from '../../schemas/index.js'

/**
 * The version of the contract partner systems are built against: raised whenever a published
 * document changes in a way a partner must notice.
 */
export const CONTRACT_VERSION = '2026-12-04.1'

export interface ContractDocument {
  /** Its file name under the export directory (`docs/contract/`). */
  name: string
  mediaType: string
  text: string
}

/**
 * The contract as documents, generated from the code that enforces it (never written twice):
 * the GraphQL SDL every caller sees in full (each agency sees its own part of it), and the JSON
 * Schema of the message each step pushes to the systems that must hear of it. `lgsp contract
 * export` writes them; a test fails when the committed files and the code differ.
 */
export function contractDocuments(): ContractDocument[] {
  const sdl = printSchema(lexicographicSortSchema(makeExecutableSchema({ typeDefs })))
  const message = {
    $id: `urn:lgsp:contract:${CONTRACT_VERSION}:step-message`,
    title: 'LGSP dossier step message',
    description: 'One dossier step, as the gateway pushes it (signed, RFC 9421 over RFC 9530 Content-Digest) or lists it in dossierInbox.',
    ...z.toJSONSchema(stepMessageSchema, { target: 'draft-2020-12' }),
  }
  return [
    { name: 'schema.graphql', mediaType: 'application/graphql', text: `${sdl}\n` },
    { name: 'step-message.schema.json', mediaType: 'application/schema+json', text: `${JSON.stringify(message, null, 2)}\n` },
    { name: 'VERSION', mediaType: 'text/plain', text: `${CONTRACT_VERSION}\n` },
  ]
}
