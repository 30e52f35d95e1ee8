/**
 * Finds the described connectors on disk: every folder under `connectors/` (or another root) that
 * holds a `mapping.yaml`. Node only (fs); the plans it returns are plain data the core takes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { CanonicalCatalog } from './canonical-catalog.js'
import { loadDescribedConnector } from './load.js'
import type { ConnectorPlan } from './plan.js'

export const MAPPING_FILE = 'mapping.yaml'

/** The folders of `root` that hold a mapping file, sorted by name. */
export function describedFolders(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, MAPPING_FILE)))
    .map((entry) => entry.name)
    .sort()
}

/**
 * Loads one folder. File names in messages are relative to the working directory, as an operator
 * types them. Only a file directly in the folder may be named as the description. The mapping's
 * `connector` must be the folder's name, or `name` for a folder named otherwise (the `described/`
 * of a registry being rebuilt by description).
 */
export function readDescribedFolder(root: string, folder: string, catalog: CanonicalCatalog, name = folder): ConnectorPlan {
  const dir = join(root, folder)
  const shown = (file: string) => relative(process.cwd(), join(dir, file)) || file
  return loadDescribedConnector(
    {
      folder: name,
      mapping: { file: shown(MAPPING_FILE), text: readFileSync(join(dir, MAPPING_FILE), 'utf8') },
      readDescription(file) {
        const names = readdirSync(dir)
        return names.includes(file) ? { file: shown(file), text: readFileSync(join(dir, file), 'utf8') } : undefined
      },
    },
    catalog,
  )
}

/** Every described connector under `root`; the first folder that does not load stops start-up. */
export function readDescribedConnectors(root: string, catalog: CanonicalCatalog): ConnectorPlan[] {
  return describedFolders(root).map((folder) => readDescribedFolder(root, folder, catalog))
}
