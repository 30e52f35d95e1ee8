export { createFaultState, noFaults, type FaultConfig, type FaultState } from './faults.js'
export { createSandboxApp, serveSandbox, setFaults, type SandboxServer } from './serve.js'
export {
  createWorld,
  type World,
  type WorldAddress,
  type WorldEnterprise,
  type WorldEnterpriseUnit,
  type WorldHousehold,
  type WorldOptions,
  type WorldParcel,
  type WorldPerson,
} from './world.js'
