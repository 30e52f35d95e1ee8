/**
 * `lgsp policy …` as an operator runs it: a separate process, against the embedded PGlite in a
 * temp DATA_DIR and against a real PostgreSQL server, with a running policy runtime (the
 * gateway's watcher) picking up what the CLI activates.
 */
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../gateway/logger.js'
import { startPolicyRuntime } from '../gateway/entry/policies.js'
import type { PolicySnapshot } from '../gateway/policy/store/index.js'
import { openPostgres } from '../gateway/database/postgres.node.js'
import { migrate } from '../gateway/database/index.js'
import { startPostgres, type PostgresService } from './services/postgres.js'
import { until } from './waiting.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
/** The author the CLI records: the OS account (USER is set to something else below, and ignored). */
const cli = `cli:${userInfo().username}`
const work = mkdtempSync(join(tmpdir(), 'lgsp-policy-cli-'))
const policiesDir = join(work, 'policies')
cpSync(join(root, 'policies', 'agencies'), join(policiesDir, 'agencies'), { recursive: true })
cpSync(join(root, 'policies', 'purposes.yaml'), join(policiesDir, 'purposes.yaml'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

interface Result {
  code: number
  stdout: string
  stderr: string
}

function lgsp(env: Record<string, string>, ...args: string[]): Promise<Result> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['bin/lgsp.js', 'policy', ...args],
      { cwd: root, env: { ...process.env, USER: 'tester', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        done({ code, stdout, stderr })
      },
    )
  })
}

/** A second directory: the first one with one purpose renamed. */
function changedCopy(name: string): string {
  const dir = join(work, name)
  cpSync(policiesDir, dir, { recursive: true })
  const file = join(dir, 'purposes.yaml')
  writeFileSync(file, readFileSync(file, 'utf8').replace('name: Xét duyệt, chi trả trợ giúp xã hội', 'name: Xét duyệt trợ giúp xã hội'))
  return dir
}

describe('lgsp policy validate', () => {
  it('accepts the repository policies and counts them', async () => {
    const result = await lgsp({ POLICIES_DIR: policiesDir }, 'validate')
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^\d+ agencies, \d+ grants, \d+ purposes: valid\n$/)
  })

  it('lists every problem as `file path: message` and exits 1', async () => {
    const bad = join(work, 'bad')
    cpSync(policiesDir, bad, { recursive: true })
    writeFileSync(join(bad, 'agencies', 'broken.yaml'), 'agency: Not An Id\n')
    const result = await lgsp({}, 'validate', bad)
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^agencies\/broken\.yaml \S+: .+$/m)
  })
})

describe('lgsp policy on PGlite (DATA_DIR)', () => {
  const env = { DATA_DIR: join(work, 'data'), POLICIES_DIR: policiesDir }

  it('applies, recognises an unchanged directory, applies a change, lists and rolls back', async () => {
    const first = await lgsp(env, 'apply', '--message', 'initial')
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toMatch(/^version 1 applied and active \(via the database\)\n/)
    expect(first.stdout).toContain('+++ b/purposes.yaml')
    expect((await lgsp(env, 'apply')).stdout).toBe('unchanged, version 1 is active\n')

    const second = await lgsp(env, 'apply', changedCopy('pglite-v2'), '--message', 'rename a purpose')
    expect(second.stdout).toContain('version 2 applied and active (via the database)')
    expect(second.stdout).toContain('-    name: Xét duyệt, chi trả trợ giúp xã hội\n+    name: Xét duyệt trợ giúp xã hội\n')

    const list = await lgsp(env, 'list')
    expect(
      list.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.replace(/\s+\S+Z\s+[0-9a-f]{12}/, '')),
    ).toEqual([`     1  ${cli}  initial`, `*    2  ${cli}  rename a purpose`])
    expect((await lgsp(env, 'rollback')).stdout).toBe('rolled back: version 1 is active (was 2)\n')
  }, 120_000)
})

describe('lgsp policy on PostgreSQL (DATABASE_URL)', () => {
  let server: PostgresService
  let env: Record<string, string>
  let url: string
  beforeAll(async () => {
    server = await startPostgres()
    const database = await server.createDatabase('policy_cli')
    url = database.url
    // config.ts refuses credentials in DATABASE_URL, so the user comes from libpq's PGUSER.
    env = { DATABASE_URL: database.configUrl, PGUSER: 'postgres', POLICIES_DIR: policiesDir, DATA_DIR: join(work, 'unused') }
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('a running instance switches to what the CLI applies, activates and rolls back', async () => {
    const db = openPostgres({ url })
    await migrate(db)
    const seen: PolicySnapshot[] = []
    const runtime = await startPolicyRuntime({ db, dir: policiesDir, logger: silentLogger, intervalMs: 100, onChange: (snapshot) => void seen.push(snapshot) })
    try {
      // The instance bootstrapped version 1 from its directory; the CLI finds it unchanged.
      expect(runtime.snapshot.version).toBe(1)
      expect((await lgsp(env, 'apply')).stdout).toBe('unchanged, version 1 is active\n')

      const applied = await lgsp(env, 'apply', changedCopy('pg-v2'), '--message', 'rename a purpose')
      expect(applied.code, applied.stderr).toBe(0)
      expect(applied.stdout).toContain('version 2 applied and active')
      await until(() => seen.at(-1)?.version === 2, { withinMs: 5000 })

      expect((await lgsp(env, 'activate', '1')).stdout).toBe('version 1 is active (was 2)\n')
      await until(() => seen.at(-1)?.version === 1, { withinMs: 5000 })
      expect((await lgsp(env, 'rollback')).stdout).toBe('rolled back: version 2 is active (was 1)\n')
      await until(() => seen.at(-1)?.version === 2, { withinMs: 5000 })

      const diff = await lgsp(env, 'diff', '1', '2')
      expect(diff.stdout).toMatch(/^--- a\/purposes\.yaml\n\+\+\+ b\/purposes\.yaml\n@@ .+ @@\n/)

      const list = await lgsp(env, 'list')
      expect(list.stdout).toMatch(/^ {5}1 .+ bootstrap {2}bootstrap from /m)
      expect(list.stdout).toContain(`  ${cli}  rename a purpose\n`)
      expect(list.stdout).toMatch(/^\* {4}2 /m)
    } finally {
      runtime.stop()
      await db.close()
    }
  }, 120_000)

  it('refuses an invalid directory, an unknown version and a bad argument, storing nothing', async () => {
    const bad = join(work, 'pg-bad')
    cpSync(policiesDir, bad, { recursive: true })
    writeFileSync(join(bad, 'agencies', 'thue-ha-noi.yaml'), 'agency: thue-ha-noi\n')
    const invalid = await lgsp(env, 'apply', bad)
    expect(invalid.code).toBe(1)
    expect(invalid.stdout).toMatch(/^agencies\/thue-ha-noi\.yaml /m)
    const unknown = await lgsp(env, 'activate', '99')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('there is no policy version 99')
    expect((await lgsp(env, 'activate', 'latest')).stderr).toContain('a version number is required')
    expect((await lgsp(env, 'list')).stdout.trimEnd().split('\n')).toHaveLength(2)
    expect((await lgsp(env, 'frobnicate')).code).toBe(2)
  }, 120_000)
})
