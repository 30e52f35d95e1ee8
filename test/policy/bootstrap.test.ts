/**
 * What a start does with POLICIES_DIR: the first start bootstraps the store from it; a later
 * start never undoes a version an operator applied (it says the directory differs instead),
 * unless asked to apply it; the log names the active version and where it came from.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openPolicyStore, startPolicyRuntime, validatePolicyFiles } from '../../gateway/entry/policies.js'
import { migrate, type Database } from '../../gateway/database/index.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import { readPolicyFiles } from '../../gateway/policy/store/read-files.node.js'
import { repoRoot } from '../gateway-process.js'
import { recordingLogger } from '../recording-logger.js'

const work = mkdtempSync(join(tmpdir(), 'lgsp-policy-bootstrap-'))
const dir = join(work, 'policies')
cpSync(join(repoRoot, 'policies'), dir, { recursive: true })
let db: Database

beforeAll(async () => {
  db = await openPglite()
  await migrate(db)
}, 60_000)
afterAll(async () => {
  await db?.close()
  rmSync(work, { recursive: true, force: true })
})

const start = async (applyDirOnStart?: boolean) => {
  const { logger, lines } = recordingLogger()
  const runtime = await startPolicyRuntime({ db, dir, logger, onChange: () => undefined, ...(applyDirOnStart === undefined ? {} : { applyDirOnStart }) })
  runtime.stop()
  return { runtime, lines, active: lines.find((l) => l.message === 'policy version active')!.object }
}

it('bootstraps, keeps what an operator applied across restarts, and applies the directory only when asked', async () => {
  // First start: the store is empty, the directory becomes version 1.
  const first = await start()
  expect(first.runtime.applied).toEqual([{ version: 1, author: 'bootstrap' }])
  expect(first.active).toMatchObject({ version: 1, author: 'bootstrap' })

  // An operator applies version 2 with the CLI; the directory is not changed.
  const edited = join(work, 'edited')
  cpSync(dir, edited, { recursive: true })
  const purposes = join(edited, 'purposes.yaml')
  writeFileSync(purposes, `${readFileSync(purposes, 'utf8')}\n# sửa bởi cán bộ vận hành\n`)
  const store = openPolicyStore(db)
  expect(validatePolicyFiles(await readPolicyFiles(edited))).toEqual([])
  expect((await store.apply(await readPolicyFiles(edited), { author: 'cli:operator', message: 'rename a purpose' })).version).toBe(2)

  // A restart keeps version 2 and says the directory differs.
  const restarted = await start()
  expect(restarted.runtime.applied).toEqual([])
  expect(restarted.runtime.snapshot.version).toBe(2)
  expect(restarted.active).toMatchObject({ version: 2, author: 'cli:operator', message: 'rename a purpose' })
  expect(restarted.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
    'the policy directory differs from the active version and was not applied: restart with --apply-policies (or POLICIES_APPLY_ON_START=true), or run lgsp policy apply',
  ])

  // Asked to: the directory is applied as version 3.
  const asked = await start(true)
  expect(asked.runtime.applied).toEqual([{ version: 3, author: 'startup' }])
  expect(asked.active).toMatchObject({ version: 3, author: 'startup' })

  // The directory now is what is active: a restart has nothing to say.
  const quiet = await start()
  expect(quiet.runtime.snapshot.version).toBe(3)
  expect(quiet.lines.filter((l) => l.level === 'warn')).toEqual([])
}, 60_000)
