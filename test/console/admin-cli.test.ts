/**
 * `lgsp admin create-user` as an operator runs it: a separate process on a temp DATA_DIR, the
 * password piped on stdin or generated and printed once; the account stored as a PBKDF2 hash
 * and its creation recorded in the audit trail.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findAccount } from '../../gateway/admin/console/accounts.js'
import { verifyPassword } from '../../gateway/admin/console/password.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import { repoRoot } from '../gateway-process.js'

const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-admin-cli-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function createUser(stdin: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['bin/lgsp.js', 'admin', 'create-user', ...args], {
      cwd: repoRoot,
      env: { ...process.env, DATA_DIR: dataDir, USER: 'tester' },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }))
    child.stdin.end(stdin)
  })
}

describe('lgsp admin create-user', () => {
  it('stores a piped password as a hash, generates one when none is given, refuses bad input', async () => {
    const piped = await createUser('mat-khau-du-dai-1\n', '--role', 'auditor', '--name', 'kt.hoa')
    expect(piped).toMatchObject({ code: 0 })
    expect(piped.stdout).toBe('created auditor kt.hoa (via the database)\n')

    const generated = await createUser('', '--role', 'operator', '--name', 'vh.nam', '--totp')
    expect(generated.code).toBe(0)
    const password = /password: (\S+)/.exec(generated.stdout)?.[1] ?? ''
    expect(password.length).toBeGreaterThanOrEqual(20)
    expect(generated.stdout).toMatch(/totp secret .*: [A-Z2-7]{32}/)

    expect((await createUser('short', '--role', 'auditor', '--name', 'x')).code).toBe(2)
    expect((await createUser('mat-khau-du-dai-1', '--role', 'admin', '--name', 'x')).code).toBe(2)
    expect((await createUser('mat-khau-du-dai-1', '--role', 'auditor', '--name', 'kt.hoa')).code).toBe(1)

    const db = await openPglite({ dataDir: join(dataDir, 'pglite') })
    try {
      const auditor = await findAccount(db, 'kt.hoa')
      expect(auditor?.role).toBe('auditor')
      expect(auditor?.passwordHash).toMatch(/^pbkdf2-sha256\$600000\$/)
      expect(await verifyPassword('mat-khau-du-dai-1', auditor!.passwordHash)).toBe(true)
      const operator = await findAccount(db, 'vh.nam')
      expect(await verifyPassword(password, operator!.passwordHash)).toBe(true)
      expect(operator?.totpSecret).toMatch(/^[A-Z2-7]{32}$/)
      const events = await db.query<{ body: string }>(`select body from audit_events where kind = 'admin.action'`)
      const details = events.map((e) => JSON.parse(e.body) as { actor: string; detail: Record<string, unknown> })
      expect(details.map((d) => [d.actor, d.detail.action, d.detail.account])).toEqual(
        expect.arrayContaining([
          // The OS account, not $USER (set to something else above): containers often leave it unset.
          [`cli:${userInfo().username}`, 'account.created', 'kt.hoa'],
          [`cli:${userInfo().username}`, 'account.created', 'vh.nam'],
        ]),
      )
      expect(JSON.stringify(details)).not.toContain('mat-khau')
    } finally {
      await db.close()
    }
  }, 120_000)
})
