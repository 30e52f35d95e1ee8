/**
 * A described connector's folder as texts: what the disk reader (folders.node.ts) reads and what
 * a Workers build bundles, so both load a folder the same way.
 */
import type { CanonicalCatalog } from './canonical-catalog.js'
import { loadDescribedConnector } from './load.js'
import type { ConnectorPlan } from './plan.js'

export const MAPPING_FILE = 'mapping.yaml'

export interface FolderTexts {
  /** The folder's name, which the mapping's `connector` must repeat unless `name` is given. */
  folder: string
  /** The connector's name when the folder is named otherwise (a registry's `described/`). */
  name?: string
  /** How the folder is shown in messages (`connectors/land/described`). */
  shownDir: string
  /** The files directly in the folder, by name. */
  files: Readonly<Record<string, string>>
}

/**
 * Loads one folder's texts. Only a file directly in the folder may be named as the description;
 * messages name files under `shownDir`, as an operator types them. `onRead` hears the name of
 * every file the load reads, the mapping first.
 */
export function loadFolderTexts(texts: FolderTexts, catalog: CanonicalCatalog, onRead?: (file: string) => void): ConnectorPlan {
  const shown = (file: string) => (texts.shownDir ? `${texts.shownDir}/${file}` : file)
  const mapping = texts.files[MAPPING_FILE]
  if (mapping === undefined) throw new TypeError(`${shown(MAPPING_FILE)}: missing`)
  onRead?.(MAPPING_FILE)
  return loadDescribedConnector(
    {
      folder: texts.name ?? texts.folder,
      mapping: { file: shown(MAPPING_FILE), text: mapping },
      readDescription: (file) => {
        if (!Object.hasOwn(texts.files, file)) return undefined
        onRead?.(file)
        return { file: shown(file), text: texts.files[file] as string }
      },
    },
    catalog,
  )
}

/**
 * The folder's texts cut down to what loading it reads (the mapping and the description it
 * names): what a build may carry, and nothing else the folder holds (notes, a local `.env`).
 */
export function folderTextsAsRead(texts: FolderTexts, catalog: CanonicalCatalog): FolderTexts {
  const read = new Set<string>()
  loadFolderTexts(texts, catalog, (file) => read.add(file))
  return { ...texts, files: Object.fromEntries(Object.entries(texts.files).filter(([file]) => read.has(file))) }
}
