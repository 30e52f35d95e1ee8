/**
 * The canonical schema this installation serves, read from disk: the hand-written registries'
 * and every source connected by description under `connectors/` (a folder with a `mapping.yaml`).
 * Read once per process; the gateway, the policy store's validator and the CLI all check against this one, so a
 * policy that grants a described source's field validates where it is served.
 */
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readDescribedConnectors, readDescribedFolder } from '../../connectors/described/folders.node.js'
import { BUSINESS_SANDBOX_API_KEY, LAND_SANDBOX_ACCOUNT } from '../../connectors/sandboxes.js'
import { buildServedCanonical, type ServedCanonical } from './served-canonical.js'

export type { ServedCanonical }

/** Where described connectors live: the repository's own `connectors/` folder. */
export const CONNECTORS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'connectors')

const served = new Map<string, ServedCanonical>()

/** Throws ConnectorFilesError (every problem, with file and line) when a described folder does not load. */
export function servedCanonical(root: string = CONNECTORS_ROOT): ServedCanonical {
  let canonical = served.get(root)
  if (!canonical) {
    canonical = buildServedCanonical({
      plans: (catalog) => readDescribedConnectors(root, catalog),
      registries: (catalog) => ({
        land: readDescribedFolder(join(root, 'land'), 'described', catalog, 'land'),
        business: readDescribedFolder(join(root, 'business'), 'described', catalog, 'business'),
      }),
    })
    served.set(root, canonical)
  }
  return canonical
}

/** The land and business registries on their sandboxes, with the sandboxes' synthetic credentials (development, tests, load tests). */
export function sandboxRegistries(urls: { land: string; business: string }, root: string = CONNECTORS_ROOT) {
  const { registries } = servedCanonical(root)
  return {
    land: { plan: registries.land, baseUrl: urls.land, credentials: LAND_SANDBOX_ACCOUNT },
    business: { plan: registries.business, baseUrl: urls.business, apiKey: BUSINESS_SANDBOX_API_KEY },
  }
}
