export {
  createLandSandbox,
  type LandSandbox,
  type LandSandboxLastRequest,
  type LandSandboxOptions,
} from './server.js'
