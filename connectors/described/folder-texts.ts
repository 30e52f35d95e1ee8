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
 * messages name files under `shownDir`, as an operator types them.
 */
export function loadFolderTexts(texts: FolderTexts, catalog: CanonicalCatalog): ConnectorPlan {
  const shown = (file: string) => (texts.shownDir ? `${texts.shownDir}/${file}` : file)
  const mapping = texts.files[MAPPING_FILE]
  if (mapping === undefined) throw new TypeError(`${shown(MAPPING_FILE)}: missing`)
  return loadDescribedConnector(
    {
      folder: texts.name ?? texts.folder,
      mapping: { file: shown(MAPPING_FILE), text: mapping },
      readDescription: (file) => (Object.hasOwn(texts.files, file) ? { file: shown(file), text: texts.files[file] as string } : undefined),
    },
    catalog,
  )
}
