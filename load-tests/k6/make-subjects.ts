/**
 * Writes subjects.json: the records the k6 mix reads, from the sandbox world `npm start` serves
 * (SANDBOX_SEED and sizes from the environment, defaults otherwise). Run again after changing them:
 *
 *   node --import tsx load-tests/k6/make-subjects.ts > load-tests/k6/subjects.json
 */
import { createWorld } from '../../connectors/sandboxes.js'
import { QUERIES, subjectsOf } from '../bench/scenarios.js'

const num = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined)
const world = createWorld({
  ...(num('SANDBOX_SEED') !== undefined ? { seed: num('SANDBOX_SEED')! } : {}),
  ...(num('SANDBOX_CITIZENS') ? { citizens: num('SANDBOX_CITIZENS')! } : {}),
  ...(num('SANDBOX_PARCELS') ? { parcels: num('SANDBOX_PARCELS')! } : {}),
  ...(num('SANDBOX_ENTERPRISES') ? { enterprises: num('SANDBOX_ENTERPRISES')! } : {}),
})
process.stdout.write(`${JSON.stringify({ queries: QUERIES, subjects: subjectsOf(world) }, null, 2)}\n`)
