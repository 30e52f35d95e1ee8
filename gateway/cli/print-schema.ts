/**
 * `npm run schema:print`: writes the whole GraphQL schema, as the code prints it, to
 * `schema.graphql` at the repository root, where it is committed so that a schema change shows
 * in review. `test/schema-file.test.ts` fails while the file and the code differ.
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { graphqlSdl } from '../contract/index.js'
import { servedCanonical } from '../entry/canonical.js'

const file = fileURLToPath(new URL('../../schema.graphql', import.meta.url))
// As served: the canonical schema and the sources connected by description.
await writeFile(file, graphqlSdl(servedCanonical().typeDefs))
process.stdout.write(`wrote ${file}\n`)
