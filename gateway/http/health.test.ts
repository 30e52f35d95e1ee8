/**
 * Readiness rounds: results are reused for a while, so /readyz cannot be used to load the
 * registries, and no caller waits on a round another request started (workerd cancels such a
 * request; a round cancelled with its request would hang every caller behind it).
 */
import { describe, expect, it } from 'vitest'
import type { ReadinessCheck } from '../deps.js'
import { healthRoutes } from './health.js'

describe('readiness rounds', () => {
  it('answers from the last settled round while a newer one hangs, instead of waiting on it', async () => {
    let calls = 0
    let hang = false
    const check: ReadinessCheck = {
      name: 'database',
      critical: true,
      check: () => {
        calls++
        // A round that never settles, as one whose request was cancelled.
        return hang ? new Promise(() => undefined) : Promise.resolve({ ok: true })
      },
    }
    const routes = healthRoutes([check])
    expect((await routes.request('/readyz')).status).toBe(200)
    expect((await routes.request('/readyz')).status).toBe(200)
    expect(calls).toBe(1) // reused within the cache window
    hang = true
    await new Promise((resolve) => setTimeout(resolve, 2100)) // past the cache window
    void routes.request('/readyz') // starts a round that hangs until its probe deadline
    const meanwhile = await routes.request('/readyz')
    expect(meanwhile.status).toBe(200)
    expect(await meanwhile.json()).toMatchObject({ status: 'ok' })
    expect(calls).toBe(2) // the second caller started no round of its own
  })
})
