/**
 * What only the Durable Object shared store does, under Node with its storage in memory (the
 * conformance suite is in shared-store.test.ts; on workerd: test/workers-objects.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { memoryObjectNamespace, memoryObjectStorage, yieldingStorage } from '../support/durable-object.fixture.js'
import type { ObjectNamespace } from '../support/index.js'
import { createDurableObjectSharedStore, objectNameOf, SharedStoreObject } from './durable-object.js'

const T0 = Date.UTC(2026, 0, 15, 3, 0, 0)

describe('objectNameOf', () => {
  it.each([
    ['jti:assertion:tms-thue-ha-noi:7f3a', 'jti:assertion:tms-thue-ha-noi'],
    ['jti:context:ca-hong-ha-cutru:abc', 'jti:context:ca-hong-ha-cutru'],
    ['gl:{thue-ha-noi}:s:h1', '{thue-ha-noi}'],
    ['gl:{thue-ha-noi}:o:h2', '{thue-ha-noi}'],
    ['plain', 'plain'],
    [':leading', ':leading'],
  ])('%s → %s', (key, name) => {
    expect(objectNameOf(key)).toBe(name)
  })
})

describe('SharedStoreObject', () => {
  it('of 100 parallel claims of one jti exactly one wins, even when storage yields between read and write', async () => {
    const storage = memoryObjectStorage()
    const object = new SharedStoreObject({ storage: yieldingStorage(storage) }, undefined, () => T0)
    const namespace: ObjectNamespace = { idFromName: (name) => name, get: () => ({ fetch: (input, init) => object.fetch(new Request(input, init)) }) }
    const store = createDurableObjectSharedStore(namespace)
    const wins = await Promise.all(Array.from({ length: 100 }, () => store.claimOnce('jti:assertion:tms-thue-ha-noi:once', 60_000)))
    expect(wins.filter(Boolean)).toHaveLength(1)
  })

  it('refuses a count whose keys belong to different objects (TypeError), and calls none', async () => {
    const namespace = memoryObjectNamespace((state) => new SharedStoreObject(state, undefined, () => T0))
    const store = createDurableObjectSharedStore(namespace)
    const counter = (key: string) => ({ key, windowMs: 3_600_000, amount: 1, limit: 5 })
    await expect(store.count([counter('gl:{thue-ha-noi}:s:a'), counter('gl:{so-tu-phap}:s:a')])).rejects.toBeInstanceOf(TypeError)
    expect(namespace.objects.size).toBe(0)
    expect((await store.count([counter('gl:{thue-ha-noi}:s:a'), counter('gl:{thue-ha-noi}:o:b')])).allowed).toBe(true)
    expect([...namespace.objects.keys()]).toEqual(['{thue-ha-noi}'])
  })

  it('a claim sets the alarm at its expiry, and the alarm forgets it then', async () => {
    let now = T0
    const storage = memoryObjectStorage()
    const object = new SharedStoreObject({ storage }, undefined, () => now)
    const claim = (key: string) =>
      object.fetch(new Request('https://object.internal/claim', { method: 'POST', body: JSON.stringify({ key, ttlMs: 60_000 }) })).then((r) => r.json())
    expect(await claim('jti:context:c:1')).toBe(true)
    expect(storage.alarm).toBe(T0 + 60_000)
    now = T0 + 60_000
    await object.alarm()
    expect(storage.entries.size).toBe(0)
    expect(await claim('jti:context:c:1')).toBe(true)
  })

  it.each([
    { case: 'a claim without a TTL', body: { key: 'jti:a:b:c' } },
    { case: 'a claim with an empty key', body: { key: '', ttlMs: 1000 } },
    { case: 'counters that are not counters', body: { counters: [{ key: 'k' }] } },
  ])('answers $case with 400 and stores nothing', async ({ body }) => {
    const storage = memoryObjectStorage()
    const object = new SharedStoreObject({ storage }, undefined, () => T0)
    const route = 'counters' in body ? 'count' : 'claim'
    const response = await object.fetch(new Request(`https://object.internal/${route}`, { method: 'POST', body: JSON.stringify(body) }))
    expect(response.status).toBe(400)
    expect(storage.entries.size).toBe(0)
  })
})
