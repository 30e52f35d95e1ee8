/**
 * Operating the embedded default while it runs, as a new operator does from the README: the
 * gateway as its own process on PGlite in a fresh DATA_DIR, and `lgsp` beside it. The CLI cannot
 * open an embedded database the gateway holds, so it acts through the gateway's operations API
 * with the local operator credential (or a staff token), and every change shows in the console
 * at once, recorded in the audit trail with the real actor. Stopped, the CLI opens the database
 * itself; started again, the gateway keeps the version the operator left active.
 */
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CREDENTIAL_FILE } from '../gateway/admin/ops/credential-file.node.js'
import { SESSION_COOKIE } from '../gateway/admin/console/session.js'
import { gatewayEnv, repoRoot, startGatewayProcess, type GatewayProcess } from './gateway-process.js'

const work = mkdtempSync(join(tmpdir(), 'lgsp-operations-'))
const dataDir = join(work, 'data')
const policiesDir = join(work, 'policies')
cpSync(join(repoRoot, 'policies'), policiesDir, { recursive: true })
const env = gatewayEnv({ DATA_DIR: dataDir, POLICIES_DIR: policiesDir })
const osActor = `local:${userInfo().username}`
let gw: GatewayProcess

beforeAll(async () => {
  gw = await startGatewayProcess(env, { timeoutMs: 150_000 })
}, 180_000)
afterAll(async () => {
  await gw?.stop()
  rmSync(work, { recursive: true, force: true })
})

interface Result {
  code: number
  stdout: string
  stderr: string
}

function lgsp(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Result> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      ['bin/lgsp.js', ...args],
      // USER is set to a name that is not the OS account's: the trail must name the real one.
      { cwd: repoRoot, env: { ...env, USER: 'not-the-os-account', ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    )
    child.stdin?.end(options.stdin ?? '')
  })
}

/** A console session as a browser gets one: the login form's token and cookie, then the post. */
async function consoleSession(name: string, password: string): Promise<string> {
  const form = await fetch(`${gw.url}/admin/login`)
  const loginCookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!
  const token = /name="_login" value="([^"]+)"/.exec(await form.text())?.[1] ?? ''
  const res = await fetch(`${gw.url}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: gw.url, cookie: loginCookie },
    body: new URLSearchParams({ _login: token, name, password }),
  })
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
    ?.split(';')[0]
  if (res.status !== 303 || !cookie) throw new Error(`login of ${name} failed: ${res.status}`)
  return cookie
}

const page = async (path: string, cookie: string) => (await fetch(`${gw.url}${path}`, { headers: { cookie } })).text()

/** The repository's policies with one purpose renamed: a real change with a one-line diff. */
function changedPolicies(): string {
  const dir = join(work, 'changed')
  cpSync(policiesDir, dir, { recursive: true })
  const file = join(dir, 'purposes.yaml')
  writeFileSync(file, readFileSync(file, 'utf8').replace('name: Xét duyệt, chi trả trợ giúp xã hội', 'name: Xét duyệt trợ giúp xã hội'))
  return dir
}

interface ExportedEvent {
  kind: string
  actor?: string
  detail?: Record<string, unknown>
}
const exported = (file: string): ExportedEvent[] =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as ExportedEvent)

describe('operator commands while the embedded gateway runs', () => {
  let operatorCookie: string
  let operatorPassword: string

  it('the gateway leaves its local operator credential readable by its own account only', () => {
    const file = join(dataDir, CREDENTIAL_FILE)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const content = JSON.parse(readFileSync(file, 'utf8')) as { url: string; credential: string; pid: number }
    expect(content.url).toBe(gw.url)
    expect(content.pid).toBe(gw.child.pid)
    expect(content.credential).toMatch(/^lgsp-local-[0-9a-f]{64}$/)
    // The secret is in the file only: never in what the gateway prints.
    expect(gw.output()).not.toContain(content.credential)
  })

  it('creates the first console account through the gateway; it logs in at once', async () => {
    const created = await lgsp(['admin', 'create-user', '--role', 'operator', '--name', 'vh.nam'])
    expect(created.code, created.stderr).toBe(0)
    expect(created.stdout).toContain(`created operator vh.nam (via the gateway at ${gw.url}, pid ${gw.child.pid})`)
    operatorPassword = /password: (\S+)/.exec(created.stdout)?.[1] ?? ''
    operatorCookie = await consoleSession('vh.nam', operatorPassword)
    expect(await page('/admin/agencies', operatorCookie)).toContain('vh.nam')

    const auditor = await lgsp(['admin', 'create-user', '--role', 'auditor', '--name', 'kt.hoa'], { stdin: 'mat-khau-kiem-toan-1\n' })
    expect(auditor.code, auditor.stderr).toBe(0)
    // The same refusals as on the database: a name that exists, a short password.
    const again = await lgsp(['admin', 'create-user', '--role', 'auditor', '--name', 'kt.hoa'], { stdin: 'mat-khau-kiem-toan-1\n' })
    expect(again).toMatchObject({ code: 1, stderr: 'lgsp admin create-user: an account named kt.hoa exists already\n' })
  }, 60_000)

  it('applies a policy version and rolls it back; the console shows each at once', async () => {
    const applied = await lgsp(['policy', 'apply', changedPolicies(), '--message', 'rename a purpose'])
    expect(applied.code, applied.stderr).toBe(0)
    expect(applied.stdout).toContain('version 2 applied and active (via the gateway')
    expect(applied.stdout).toContain('+    name: Xét duyệt trợ giúp xã hội\n')
    // This instance switched before answering: no poll to wait for.
    const policies = await page('/admin/policies', operatorCookie)
    expect(policies).toMatch(/<strong>2 \(/)
    expect(policies).toContain(osActor)

    const list = await lgsp(['policy', 'list'])
    expect(list.stdout).toMatch(new RegExp(`^\\* {4}2 .+ ${osActor} {2}rename a purpose$`, 'm'))
    expect((await lgsp(['policy', 'diff', '1', '2'])).stdout).toMatch(/^--- a\/purposes\.yaml\n/)

    const rolledBack = await lgsp(['policy', 'rollback'])
    expect(rolledBack).toMatchObject({ code: 0, stdout: 'rolled back: version 1 is active (was 2)\n' })
    expect(await page('/admin/policies', operatorCookie)).toMatch(/<strong>1 \(/)
    const unknown = await lgsp(['policy', 'activate', '99'])
    expect(unknown).toMatchObject({ code: 1, stderr: 'lgsp policy activate: there is no policy version 99\n' })
  }, 60_000)

  it('exports and verifies the trail through the gateway; every change names its real actor', async () => {
    const out = join(work, 'trail.jsonl')
    const exportRun = await lgsp(['audit', 'export', '--out', out])
    expect(exportRun.code, exportRun.stderr).toBe(0)
    expect(exportRun.stderr).toMatch(/^\d+ events exported \(via the gateway at /)
    expect(statSync(out).mode & 0o777).toBe(0o600)
    const events = exported(out)
    const changes = events.filter((e) => ['policy.applied', 'policy.rolled_back'].includes(e.kind) || e.detail?.action === 'accounts.create')
    expect(changes.map((e) => [e.kind, e.actor])).toEqual(
      expect.arrayContaining([
        ['policy.rolled_back', osActor],
        ['policy.applied', osActor],
        ['admin.action', osActor],
      ]),
    )
    // The password piped to create-user is nowhere in the trail.
    expect(readFileSync(out, 'utf8')).not.toContain('mat-khau-kiem-toan-1')

    const verify = await lgsp(['audit', 'verify'])
    expect(verify.code, verify.stdout).toBe(0)
    expect(verify.stdout).toMatch(/^OK: \d+ chains, \d+ events, \d+ checkpoints, 0 problems/m)

    // The auditor sees the export in the console's explorer: it is itself an audit event.
    const auditorCookie = await consoleSession('kt.hoa', 'mat-khau-kiem-toan-1')
    const explorer = await page('/admin/audit?kind=audit.exported', auditorCookie)
    expect(explorer).toContain(osActor)
  }, 60_000)

  it('a staff token names the person, and its role limits what it may run', async () => {
    const token = async (role: 'auditor' | 'operator', name: string) => {
      const issued = await lgsp(['token', `--${role}`, name])
      expect(issued.code, issued.stderr).toBe(0)
      return issued.stdout.trim()
    }
    const auditor = await token('auditor', 'kt.hoa')
    const out = join(work, 'by-auditor.jsonl')
    const run = await lgsp(['audit', 'export', '--out', out, '--kind', 'policy.applied'], { env: { LGSP_STAFF_TOKEN: auditor } })
    expect(run.code, run.stderr).toBe(0)
    expect(exported(out).every((e) => e.kind === 'policy.applied')).toBe(true)
    // Separation of duties: an operator may not export who read what, nor an auditor change policies.
    const operator = await token('operator', 'vh.nam')
    const refused = await lgsp(['audit', 'export', '--out', join(work, 'refused.jsonl')], { env: { LGSP_STAFF_TOKEN: operator } })
    expect(refused).toMatchObject({ code: 1, stderr: 'lgsp audit export: audit.export is for auditor accounts\n' })
    const notAuditors = await lgsp(['policy', 'rollback'], { env: { LGSP_STAFF_TOKEN: auditor } })
    expect(notAuditors).toMatchObject({ code: 1, stderr: 'lgsp policy rollback: policy.rollback is for operator accounts\n' })

    const check = await lgsp(['audit', 'export', '--out', join(work, 'check.jsonl'), '--kind', 'audit.exported'], { env: { LGSP_STAFF_TOKEN: auditor } })
    expect(check.code, check.stderr).toBe(0)
    expect(exported(join(work, 'check.jsonl')).map((e) => e.actor)).toContain('auditor:kt.hoa')
  }, 60_000)

  it('stopped, the CLI opens the database itself; started again, the gateway keeps the active version', async () => {
    expect((await lgsp(['policy', 'activate', '2'])).stdout).toBe('version 2 is active (was 1)\n')
    await gw.stop()
    expect(existsSync(join(dataDir, CREDENTIAL_FILE))).toBe(false)
    const offline = await lgsp(['policy', 'list'])
    expect(offline.code, offline.stderr).toBe(0)
    expect(offline.stdout).toMatch(/^\* {4}2 /m)

    gw = await startGatewayProcess(env, { timeoutMs: 150_000 })
    const list = await lgsp(['policy', 'list'])
    expect(list.stdout).toMatch(/^\* {4}2 /m)
    expect(list.stdout.trimEnd().split('\n')).toHaveLength(2)
    const cookie = await consoleSession('vh.nam', operatorPassword)
    expect(await page('/admin/policies', cookie)).toMatch(/<strong>2 \(/)
  }, 240_000)
})
