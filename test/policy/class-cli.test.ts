/**
 * `lgsp policy validate` and `apply`, as an operator runs them, refuse a policy set that masks an
 * identifier on one path and shows it on another for the same purpose, naming both grants; and
 * `apply` stores nothing.
 */
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const work = mkdtempSync(join(tmpdir(), 'lgsp-class-cli-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function lgsp(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['bin/lgsp.js', 'policy', ...args],
      { cwd: root, env: { ...process.env, USER: 'tester', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
      },
    )
  })
}

/** The shipped policies, with the tax office's land-levy grant showing holders' PINs plainly. */
function conflicting(): string {
  const dir = join(work, 'conflicting')
  cpSync(join(root, 'policies'), dir, { recursive: true, filter: (path) => !path.endsWith('.md') && !path.endsWith('.ts') })
  const file = join(dir, 'agencies', 'thue-ha-noi.yaml')
  const text = readFileSync(file, 'utf8')
  const landLevy = text.indexOf('- id: land-levy')
  const changed = text.slice(0, landLevy) + text.slice(landLevy).replace('    mask: { pin: last4 }\n    plain: [taxCode]', '    plain: [pin, taxCode]')
  if (changed === text) throw new Error('the land-levy grant no longer looks as this test expects')
  writeFileSync(file, changed)
  return dir
}

describe('lgsp policy: one treatment per data class and purpose', () => {
  const dir = conflicting()
  const expected =
    /^agencies\/thue-ha-noi\.yaml grants\.1\.plain: data class pin is masked by grant enterprise-tax-registration \(pin: last4\) and plain in grant land-levy \(LandHolder\.pin\) for purpose QUAN_LY_THUE/m

  it('validate refuses the set, naming both grants', async () => {
    const result = await lgsp({}, 'validate', dir)
    expect(result.code, result.stderr).toBe(1)
    expect(result.stdout).toMatch(expected)
    expect(result.stdout).toMatch(/masked by grant taxpayer-identity \(pin: last4\) and plain in grant land-levy/)
  })

  it('apply refuses it too, and stores no version', async () => {
    const env = { DATA_DIR: join(work, 'data') }
    const result = await lgsp(env, 'apply', dir)
    expect(result.code, result.stderr).toBe(1)
    expect(result.stdout).toMatch(expected)
    const list = await lgsp(env, 'list')
    expect(list.stdout).toContain('no policy versions stored')
  })
}, 120_000)
