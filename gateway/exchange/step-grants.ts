import {
  bindCondition,
  grantAllows,
  grantInForce,
  matches,
  or,
  TRUE,
  type AgencyDocument,
  type BoundCondition,
  type PolicyVariables,
} from '../../policies/index.js'

/** The type whose `where` in a grant names the dossiers a step's grant covers (procedure, commune). */
export const DOSSIER_TYPE = 'Dossier'

/** The coordinate that stands for handling a dossier: an agency may be handed dossiers it may finish. */
export const HANDLE_COORDINATE = 'Mutation.finishDossier'

/**
 * The dossiers the grants `grantIds` let an agency take a step on: the OR of their `where` on
 * Dossier (a grant without one covers every dossier). The same conditions that filter the dossiers
 * the agency reads decide the ones it may move, so one document says both.
 */
export function stepCondition(agency: AgencyDocument, grantIds: readonly string[], variables: PolicyVariables): BoundCondition {
  const grants = agency.grants.filter((grant) => grantIds.includes(grant.id))
  return or(grants.map((grant) => (grant.where?.[DOSSIER_TYPE] ? bindCondition(grant.where[DOSSIER_TYPE], variables) : TRUE)))
}

/**
 * Whether `agency` may be handed `dossier` to handle: some grant of it in force allows finishing
 * dossiers and admits this one. Whatever purpose the grant names: the receiving system declares its
 * own purpose when it acts; here the question is only whether it could.
 */
export function mayHandle(agency: AgencyDocument, dossier: object, variables: PolicyVariables, now: Date): boolean {
  return agency.grants.some(
    (grant) =>
      !agency.suspended &&
      grantAllows(grant, HANDLE_COORDINATE) &&
      grantInForce(grant, now) &&
      matches(grant.where?.[DOSSIER_TYPE] ? bindCondition(grant.where[DOSSIER_TYPE], variables) : TRUE, dossier),
  )
}
