export {
  createPopulationSandbox,
  POPULATION_SANDBOX_API_KEY,
  sameName,
  type PopulationSandbox,
  type PopulationSandboxOptions,
} from './server.js'
