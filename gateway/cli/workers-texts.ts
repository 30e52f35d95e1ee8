/**
 * Writes the texts a Workers build carries (gateway/entry/workers-texts.ts) into
 * `gateway/entry/workers-texts.generated.js`, read from the repository's `connectors/` and the
 * policy directory (POLICIES_DIR, default `policies`). Run by `npm run build:workers`, which
 * wrangler runs before every bundle (`[build]` in wrangler.toml), so a deployment carries what the
 * checkout holds. Every folder is loaded once here: a folder that would not load stops the build.
 */
import { writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { canonicalCatalog, folderTextsAsRead } from '../../connectors/described/index.js'
import { describedFolders, readFolderTexts } from '../../connectors/described/folders.node.js'
import { typeDefs } from '../../schemas/index.js'
import { readPolicyFiles } from '../policy/store/read-files.node.js'
import { CONNECTORS_ROOT } from '../entry/canonical.js'
import { canonicalFromTexts, type WorkersTexts } from '../entry/workers-texts.js'

export const WORKERS_TEXTS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'entry', 'workers-texts.generated.js')

/** Each folder carries only what loading it reads: the mapping and the description it names. */
export async function collectWorkersTexts(connectorsRoot: string, policiesDir: string): Promise<WorkersTexts> {
  const catalog = canonicalCatalog(typeDefs)
  const asRead = (root: string, folder: string, name?: string) => folderTextsAsRead(readFolderTexts(root, folder, name), catalog)
  const texts: WorkersTexts = {
    described: describedFolders(connectorsRoot).map((folder) => asRead(connectorsRoot, folder)),
    registries: {
      land: asRead(join(connectorsRoot, 'land'), 'described', 'land'),
      business: asRead(join(connectorsRoot, 'business'), 'described', 'business'),
    },
    policies: await readPolicyFiles(policiesDir),
  }
  // Checked as the Worker will load them, so a broken folder fails the build, not the first request.
  canonicalFromTexts(texts)
  return texts
}

export async function writeWorkersTexts(file = WORKERS_TEXTS_FILE, policiesDir = process.env.POLICIES_DIR ?? 'policies'): Promise<WorkersTexts> {
  const texts = await collectWorkersTexts(CONNECTORS_ROOT, resolve(policiesDir))
  await writeFile(file, `// Written by \`npm run build:workers\` from connectors/ and ${policiesDir}; do not edit.\nexport default ${JSON.stringify(texts)}\n`)
  return texts
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const texts = await writeWorkersTexts()
  process.stdout.write(
    `${relative(process.cwd(), WORKERS_TEXTS_FILE)}: ${texts.described.length} described connectors, 2 registries, ${texts.policies.length} policy files\n`,
  )
}
