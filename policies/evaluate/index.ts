export {
  decide,
  describeDenial,
  grantAllows,
  grantInForce,
  visibleCoordinates,
  type CoordinateDecision,
  type Decision,
  type DecisionCode,
  type DecisionInput,
  type DeclaredContext,
  type DenialReason,
  type GrantHint,
} from './decide.js'
export {
  bindCondition,
  conditionKey,
  conditionVariables,
  matches,
  or,
  readPath,
  KNOWN_VARIABLES,
  TRUE,
  type BoundCondition,
  type PolicyVariables,
} from './conditions.js'
export { applyMask, strictestMask, type KeyedHash } from './masks.js'
export { classProblems, classTable, grantClassTreatments, viewClassMasks, type ClassProblem, type ClassTable, type ClassTreatment } from './classes.js'
