/**
 * `npm run schema:print`: writes the whole GraphQL schema, as the code prints it, to
 * `schema.graphql` at the repository root, where it is committed so that a schema change shows
 * in review. `test/schema-file.test.ts` fails while the file and the code differ.
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { graphqlSdl } from '../contract/index.js'

const file = fileURLToPath(new URL('../../schema.graphql', import.meta.url))
await writeFile(file, graphqlSdl())
process.stdout.write(`wrote ${file}\n`)
