/**
 * The policy store and its watcher on both adapters: the embedded PGlite and a real PostgreSQL
 * server, where two pools stand in for two gateway instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PolicyFile } from '../../../policies/index.js'
import { startPostgres, type PostgresService } from '../../../test/services/postgres.js'
import { migrate, type Database } from '../../database/index.js'
import { openPglite } from '../../database/pglite.node.js'
import { openPostgres } from '../../database/postgres.node.js'
import { createPolicyStore, createPolicyWatcher, PolicyStoreError, PolicyValidationError, PolicyVersionConflictError, type PolicySnapshot } from './index.js'
import { sleep, until } from '../../../test/waiting.js'

let server: PostgresService
beforeAll(async () => {
  server = await startPostgres()
})
afterAll(async () => {
  await server?.stop()
})

/** Stands in for parsePolicySet: a file whose text says INVALID is a problem. */
const validate = (files: PolicyFile[]) =>
  files.filter((file) => file.text.includes('INVALID')).map((file) => ({ file: file.name, path: '(document)', message: 'says INVALID' }))

const setA: PolicyFile[] = [
  { name: 'purposes.yaml', text: 'purposes: []\n' },
  { name: 'agencies/a.yaml', text: 'agency: a\nname: A\n' },
]
const setB: PolicyFile[] = [
  { name: 'agencies/a.yaml', text: 'agency: a\nname: A2\n' },
  { name: 'purposes.yaml', text: 'purposes: []\n' },
]

interface Pair {
  db: Database
  /** Another handle on the same data: a second instance (PostgreSQL) or the same handle (PGlite, one process). */
  twin: Database
}

let databases = 0
const adapters: Array<{ name: string; open(): Promise<Pair> }> = [
  {
    name: 'pglite',
    async open() {
      const db = await openPglite()
      return { db, twin: db }
    },
  },
  {
    name: 'postgres',
    async open() {
      const { url } = await server.createDatabase(`policy_store_${++databases}`)
      return { db: openPostgres({ url }), twin: openPostgres({ url }) }
    },
  },
]

describe.each(adapters)('policy store on $name', (adapter) => {
  let pair: Pair
  beforeAll(async () => {
    pair = await adapter.open()
    await migrate(pair.db)
  })
  afterAll(async () => {
    await pair?.db.close()
    if (pair?.twin !== pair?.db) await pair?.twin.close()
  })

  it('walks through apply, unchanged apply, activate, rollback, list and get', async () => {
    const store = createPolicyStore(pair.db, { validate })
    expect(await store.active()).toBeNull()
    expect(await store.activeVersion()).toBeNull()
    await expect(store.rollback({ author: 'op' })).rejects.toBeInstanceOf(PolicyStoreError)

    const first = await store.apply(setA, { author: 'alice', message: 'first' })
    expect(first).toMatchObject({ version: 1, created: true })
    expect(first.diff).toContain('+++ b/agencies/a.yaml')
    expect(first.diff).toContain('+++ b/purposes.yaml')
    const active = await store.active()
    expect(active?.version).toBe(1)
    expect(active?.files.map((f) => f.name)).toEqual(['agencies/a.yaml', 'purposes.yaml'])
    expect(active?.digest).toMatch(/^[0-9a-f]{64}$/)

    // The same set in another order is the same policy.
    expect(await store.apply([...setA].reverse(), { author: 'bob' })).toEqual({ version: 1, created: false, diff: '' })

    const second = await store.apply(setB, { author: 'bob' })
    expect(second).toMatchObject({ version: 2, created: true })
    expect(second.diff).toBe('--- a/agencies/a.yaml\n+++ b/agencies/a.yaml\n@@ -1,2 +1,2 @@\n agency: a\n-name: A\n+name: A2\n')
    expect(await store.activeVersion()).toBe(2)

    expect(await store.activate(1, { author: 'carol' })).toEqual({ version: 1, previous: 2 })
    expect(await store.activeVersion()).toBe(1)
    await expect(store.activate(99, { author: 'carol' })).rejects.toThrow('there is no policy version 99')

    expect(await store.rollback({ author: 'dave' })).toEqual({ version: 2, previous: 1 })
    expect(await store.activeVersion()).toBe(2)

    const list = await store.list()
    expect(list.map((v) => [v.version, v.author, v.message, v.active])).toEqual([
      [1, 'alice', 'first', false],
      [2, 'bob', null, true],
    ])
    expect(list[0]?.createdAt).toBeInstanceOf(Date)
    const got = await store.get(2)
    expect(got).toMatchObject({ version: 2, author: 'bob', active: true, diff: second.diff })
    expect(got?.files).toEqual([...setB].sort((a, b) => a.name.localeCompare(b.name)))
    expect(await store.get(42)).toBeNull()

    const log = await pair.db.query<{ version: number; author: string; action: string }>('select version, author, action from policy_activation order by id')
    expect(log.map((r) => `${r.action}:${r.version}:${r.author}`)).toEqual(['apply:1:alice', 'apply:2:bob', 'activate:1:carol', 'rollback:2:dave'])
  })

  it('refuses an invalid set, listing its problems, and stores nothing', async () => {
    const store = createPolicyStore(pair.db, { validate })
    const before = (await store.list()).length
    const attempt = store.apply([{ name: 'agencies/x.yaml', text: 'INVALID' }, ...setA], { author: 'eve' })
    await expect(attempt).rejects.toBeInstanceOf(PolicyValidationError)
    await expect(attempt).rejects.toThrow('agencies/x.yaml (document): says INVALID')
    expect((await store.list()).length).toBe(before)
  })

  it('refuses an empty author and a file given twice', async () => {
    const store = createPolicyStore(pair.db, { validate })
    await expect(store.apply(setA, { author: ' ' })).rejects.toThrow('an author is required')
    await expect(store.apply([...setA, setA[0] as PolicyFile], { author: 'x' })).rejects.toThrow('given twice')
  })

  it('concurrent applies from two instances each diff against the version before them', async () => {
    const one = createPolicyStore(pair.db, { validate })
    const two = createPolicyStore(pair.twin, { validate })
    const sets = [1, 2, 3, 4].map((n) => [{ name: 'purposes.yaml', text: `n: ${n}\n` }])
    const results = await Promise.all(sets.map((set, i) => (i % 2 ? one : two).apply(set, { author: `w${i}` })))
    expect(results.every((r) => r.created)).toBe(true)
    const versions = results.map((r) => r.version).sort((a, b) => a - b)
    expect(new Set(versions).size).toBe(4)
    // Serialised by the write lock: each new version's diff starts from the one right before it.
    for (const version of versions.slice(1)) {
      const [prev, cur] = await Promise.all([one.get(version - 1), one.get(version)])
      const prevText = prev?.files.find((f) => f.name === 'purposes.yaml')?.text.trim()
      expect(cur?.diff).toContain(`-${prevText}`)
    }
  })

  it('applies only over the version the caller read (ifActive): of two edits of one version, one wins', async () => {
    const one = createPolicyStore(pair.db, { validate })
    const two = createPolicyStore(pair.twin, { validate })
    const base = await one.activeVersion()
    const edits = [5, 6].map((n) => [{ name: 'purposes.yaml', text: `n: ${n}\n` }])
    const results = await Promise.allSettled(edits.map((set, i) => (i ? two : one).apply(set, { author: `e${i}`, ifActive: base })))
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect(lost[0]!.reason).toBeInstanceOf(PolicyVersionConflictError)
    const winner = (won[0] as PromiseFulfilledResult<{ version: number }>).value.version
    expect(lost[0]!.reason).toMatchObject({ expected: base, active: winner })
    expect(await one.activeVersion()).toBe(winner)
    // Against the version now active, the same kind of edit goes through.
    expect(await one.apply([{ name: 'purposes.yaml', text: 'n: 7\n' }], { author: 'e2', ifActive: winner })).toMatchObject({ created: true })
  })

  it('a watcher on another instance sees an apply within two intervals, and retries a failed onChange', async () => {
    const writer = createPolicyStore(pair.db, { validate })
    const reader = createPolicyStore(pair.twin, { validate })
    const intervalMs = 100
    const seen: PolicySnapshot[] = []
    const errors: unknown[] = []
    let failNext = false
    const watcher = createPolicyWatcher({
      store: reader,
      intervalMs,
      initialVersion: await reader.activeVersion(),
      onChange(snapshot) {
        if (failNext) {
          failNext = false
          throw new Error('gateway refused it')
        }
        seen.push(snapshot)
      },
      onError: (error) => errors.push(error),
    })
    try {
      await sleep(intervalMs * 2)
      expect(seen).toEqual([])
      const applied = await writer.apply([{ name: 'purposes.yaml', text: 'watched: 1\n' }], { author: 'w' })
      await until(() => seen.length === 1, { withinMs: intervalMs * 2 + 50, everyMs: 10 })
      expect(seen[0]?.version).toBe(applied.version)
      expect(seen[0]?.files).toEqual([{ name: 'purposes.yaml', text: 'watched: 1\n' }])

      failNext = true
      const next = await writer.apply([{ name: 'purposes.yaml', text: 'watched: 2\n' }], { author: 'w' })
      await until(() => errors.length === 1 && seen.length === 2, { withinMs: intervalMs * 5, everyMs: 10 })
      expect((errors[0] as Error).message).toBe('gateway refused it')
      expect(seen[1]?.version).toBe(next.version)
    } finally {
      watcher.stop()
    }
    const count = seen.length
    await writer.apply([{ name: 'purposes.yaml', text: 'after stop\n' }], { author: 'w' })
    await sleep(intervalMs * 3)
    expect(seen.length).toBe(count)
  })
})
