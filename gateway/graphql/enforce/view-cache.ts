import type { GraphQLSchema } from 'graphql'
import { LRUCache } from 'lru-cache'
import { visibleCoordinates } from '../../../policies/index.js'
import type { RequestContext } from '../../identity/caller.js'
import type { PolicyRuntime } from '../../policy/index.js'
import { viewSchema } from './view-schema.js'

const VIEW_CACHE_LIMIT = 512

/** The schema as an agency may see it for a request's declared context, built once and shared. */
export interface ViewCache {
  /** Null when nothing is visible (no purpose, a purpose without grants, unmet requirements). */
  viewFor(agencyId: string, context: RequestContext): GraphQLSchema | null
}

/**
 * Views per (policy generation, agency, purpose, which of case / officer / signature were given),
 * and per 10 s like decisions, so a grant that starts or ends changes the view within 10 s.
 * Introspection runs against a view, and validation errors are worded against it: the same view
 * for both, so an agency is told of nothing it could not introspect.
 */
export function createViewCache(options: { schema: GraphQLSchema; policies: PolicyRuntime; now?: () => Date }): ViewCache {
  const now = options.now ?? (() => new Date())
  // Least recently used out when full: clearing all at once made every agency rebuild its view.
  const views = new LRUCache<string, { view: GraphQLSchema | null }>({ max: VIEW_CACHE_LIMIT })
  return {
    viewFor(agencyId, rc) {
      const active = options.policies.current()
      const at = now()
      const key = `${Math.floor(at.getTime() / 10_000)}\u0000${active.generation}\u0000${agencyId}\u0000${rc.purpose}\u0000${rc.caseId ? 1 : 0}${rc.endUser ? 1 : 0}${rc.signed ? 1 : 0}`
      const cached = views.get(key)
      if (cached) return cached.view
      const agency = active.agencies.get(agencyId)
      const visible = agency
        ? visibleCoordinates(agency, { purpose: rc.purpose, caseId: rc.caseId !== null, endUser: rc.endUser !== null, signed: rc.signed }, at)
        : new Set<string>()
      const view = viewSchema(options.schema, visible)
      views.set(key, { view })
      return view
    },
  }
}
