/**
 * The black-box suites against both runtimes of the gateway, with real PostgreSQL behind both:
 * the Node entry as its own process, then the Workers entry on workerd, each over the same world
 * (database, registries, keys, agencies). Every process started here is stopped here.
 */
import { afterAll, beforeAll, describe } from 'vitest'
import { SUITES } from './black-box/suites.js'
import { RUNTIMES, type BlackBoxTarget } from './black-box/targets.js'
import { startBlackBoxWorld, type BlackBoxWorld } from './black-box/world.js'

let world: BlackBoxWorld | undefined
beforeAll(async () => {
  world = await startBlackBoxWorld()
}, 120_000)
afterAll(async () => {
  await world?.stop()
}, 60_000)

describe.each(RUNTIMES)('$runtime', ({ start }) => {
  let target: BlackBoxTarget | undefined
  beforeAll(async () => {
    target = await start(world!)
  }, 120_000)
  afterAll(async () => {
    await target?.stop()
  }, 60_000)
  const running = () => {
    if (!world || !target) throw new Error('the runtime did not start')
    return { world, target }
  }
  for (const suite of SUITES) suite(running)
})
