/**
 * What a Workers build carries as text, since the runtime has no file system: the described
 * connectors' folders and the policy directory (the first version, when the database holds
 * none). The build writes them (gateway/cli/workers-texts.ts) before bundling.
 */
import { loadFolderTexts, type FolderTexts } from '../../connectors/described/index.js'
import type { PolicyFile } from '../../policies/index.js'
import { buildServedCanonical, type ServedCanonical } from './served-canonical.js'

export interface WorkersTexts {
  /** Every folder under `connectors/` with a mapping, by name. */
  described: FolderTexts[]
  /** The canonical registries connected by description (`connectors/land/described`, `connectors/business/described`). */
  registries: { land: FolderTexts; business: FolderTexts }
  policies: PolicyFile[]
}

/** The served schema from the texts, as the Node entry builds it from disk. */
export function canonicalFromTexts(texts: WorkersTexts): ServedCanonical {
  return buildServedCanonical({
    plans: (catalog) => texts.described.map((folder) => loadFolderTexts(folder, catalog)),
    registries: (catalog) => ({ land: loadFolderTexts(texts.registries.land, catalog), business: loadFolderTexts(texts.registries.business, catalog) }),
  })
}
