/**
 * Finds the described connectors on disk: every folder under `connectors/` (or another root) that
 * holds a `mapping.yaml`. Node only (fs); the plans it returns are plain data the core takes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { CanonicalCatalog } from './canonical-catalog.js'
import { loadFolderTexts, MAPPING_FILE, type FolderTexts } from './folder-texts.js'
import type { ConnectorPlan } from './plan.js'

export { MAPPING_FILE }

/** The folders of `root` that hold a mapping file, sorted by name. */
export function describedFolders(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, MAPPING_FILE)))
    .map((entry) => entry.name)
    .sort()
}

/**
 * One folder's files as texts (the files directly in it, not its subfolders), shown relative to
 * the working directory as an operator types them.
 */
export function readFolderTexts(root: string, folder: string, name?: string): FolderTexts {
  const dir = join(root, folder)
  const files: Record<string, string> = {}
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isFile()) files[entry.name] = readFileSync(join(dir, entry.name), 'utf8')
  return { folder, ...(name ? { name } : {}), shownDir: relative(process.cwd(), dir), files }
}

/**
 * Loads one folder. Only a file directly in the folder may be named as the description. The
 * mapping's `connector` must be the folder's name, or `name` for a folder named otherwise (the
 * `described/` of a registry being rebuilt by description).
 */
export function readDescribedFolder(root: string, folder: string, catalog: CanonicalCatalog, name = folder): ConnectorPlan {
  return loadFolderTexts(readFolderTexts(root, folder, name), catalog)
}

/** Every described connector under `root`; the first folder that does not load stops start-up. */
export function readDescribedConnectors(root: string, catalog: CanonicalCatalog): ConnectorPlan[] {
  return describedFolders(root).map((folder) => readDescribedFolder(root, folder, catalog))
}
