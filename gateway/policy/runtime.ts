import { withPredecessorCodes } from '../../connectors/index.js'
import type { AgencyDocument, PolicySet, PolicyVariables, Procedure, Purpose } from '../../policies/index.js'

/** One active policy version, indexed for the hot path. Immutable once built. */
export interface ActivePolicies {
  /** The policy store's version number (0: loaded from files, not from the store). */
  version: number
  /** Unique per indexed set in this process: the key decision caches use. */
  generation: number
  agencies: ReadonlyMap<string, AgencyDocument>
  purposes: ReadonlyMap<string, Purpose>
  /** The procedures dossiers may be exchanged for, by code. */
  procedures: ReadonlyMap<string, Procedure>
  /** Per agency, `$jurisdiction.*` with pre-2025 predecessor units added. */
  variables: ReadonlyMap<string, PolicyVariables>
}

/**
 * The policies every request is decided by. A roll-out swaps the whole set at once (one
 * assignment), so a request sees one version from its decision to its last resolver: it keeps
 * the object it started with.
 */
export interface PolicyRuntime {
  current(): ActivePolicies
  replace(set: PolicySet, version: number): void
  /** Called after each replace (the agency registry follows the same documents). */
  onReplace(listener: (active: ActivePolicies, set: PolicySet) => void): void
}

let generations = 0

export function indexPolicies(set: PolicySet, version: number): ActivePolicies {
  const variables = new Map<string, PolicyVariables>()
  for (const agency of set.agencies) {
    variables.set(agency.agency, {
      'jurisdiction.communes': withPredecessorCodes(agency.jurisdiction.communes),
      'jurisdiction.provinces': withPredecessorCodes(agency.jurisdiction.provinces),
    })
  }
  return {
    version,
    generation: ++generations,
    agencies: new Map(set.agencies.map((agency) => [agency.agency, agency])),
    purposes: new Map(set.purposes.map((purpose) => [purpose.code, purpose])),
    procedures: new Map((set.procedures ?? []).map((procedure) => [procedure.code, procedure])),
    variables,
  }
}

export function createPolicyRuntime(set: PolicySet, version = 0): PolicyRuntime {
  let active = indexPolicies(set, version)
  const listeners: Array<(active: ActivePolicies, set: PolicySet) => void> = []
  return {
    current: () => active,
    replace(next, nextVersion) {
      active = indexPolicies(next, nextVersion)
      for (const listener of listeners) listener(active, next)
    },
    onReplace(listener) {
      listeners.push(listener)
    },
  }
}
