export { DOSSIER_STATUSES, portalCode, statusOfPortalCode, vietnameseName, type DossierStatus, type PortalStatusCode } from './status.js'
export {
  decideStep,
  stepsFrom,
  TRANSITIONS,
  type DossierPosition,
  type DossierStep,
  type HolderAfter,
  type StepDecision,
  type Transition,
} from './transitions.js'
export {
  createDossierStore,
  PORTAL_RECEIVER,
  type Dossier,
  type DossierStore,
  type DossierStoreOptions,
  type NewDossier,
  type OutboxMessage,
  type ProgressEntry,
  type StepOptions,
  type StepResult,
} from './dossier-store.js'
