export { checkCoordinates } from './check-coordinates.js'
export { explain, type Explanation, type ExplainInput } from './explain.js'
export { createPolicyRuntime, indexPolicies, type ActivePolicies, type PolicyRuntime } from './runtime.js'
