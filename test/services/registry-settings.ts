/**
 * The settings a gateway takes to reach the sandbox registries as if they were real ones: every
 * `UPSTREAM_*` variable, with the sandboxes' synthetic credentials. For a gateway that must not
 * start sandboxes of its own (the Workers entry has none; the Node entry then starts none).
 */
import type { ConnectorPlan } from '../../connectors/index.js'
import {
  BUSINESS_SANDBOX_API_KEY,
  LAND_SANDBOX_ACCOUNT,
  POPULATION_SANDBOX_API_KEY,
  replayCredentials,
  type ReplaySandboxes,
} from '../../connectors/sandboxes.js'
import { upstreamPrefix } from '../../gateway/config.js'

export function registrySettings(
  registries: { population: string; land: string; business: string },
  described: { plans: readonly ConnectorPlan[]; replays: ReplaySandboxes },
): Record<string, string> {
  const settings: Record<string, string> = {
    UPSTREAM_POPULATION_URL: registries.population,
    UPSTREAM_POPULATION_API_KEY: POPULATION_SANDBOX_API_KEY,
    UPSTREAM_LAND_URL: registries.land,
    UPSTREAM_LAND_USERNAME: LAND_SANDBOX_ACCOUNT.username,
    UPSTREAM_LAND_PASSWORD: LAND_SANDBOX_ACCOUNT.password,
    UPSTREAM_BUSINESS_URL: registries.business,
    UPSTREAM_BUSINESS_API_KEY: BUSINESS_SANDBOX_API_KEY,
  }
  for (const plan of described.plans) {
    const url = described.replays.urls.get(plan.name)
    if (!url) throw new Error(`no replay sandbox for ${plan.name}`)
    const prefix = upstreamPrefix(plan.name)
    const credentials = replayCredentials(plan, url)
    settings[`${prefix}_URL`] = url
    if (credentials.apiKey) settings[`${prefix}_API_KEY`] = credentials.apiKey
    if (credentials.oauthClient) {
      settings[`${prefix}_CLIENT_ID`] = credentials.oauthClient.id
      settings[`${prefix}_CLIENT_SECRET`] = credentials.oauthClient.secret
    }
    if (credentials.tokenUrl) settings[`${prefix}_TOKEN_URL`] = credentials.tokenUrl
  }
  return settings
}
