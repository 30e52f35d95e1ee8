export { createBusinessSandbox, type BusinessSandbox, type BusinessSandboxOptions } from './server.js'
