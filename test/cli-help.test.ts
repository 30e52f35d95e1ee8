/**
 * The operator command describes itself: `--version`, `help` naming every command, each
 * command's `--help` alone (exit 0, nothing run), an unknown command listing the real ones, and
 * an unknown agency listing the ones that exist.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { gatewayEnv, repoRoot, runLgsp } from './gateway-process.js'

const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-cli-help-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
const env = gatewayEnv({ DATA_DIR: dataDir })
const COMMANDS = ['sandbox', 'token', 'keys', 'policy', 'audit', 'verify', 'exchange', 'contract', 'conformance', 'admin', 'connector']
const lgsp = (...args: string[]) =>
  runLgsp(env, ...args).then(
    (out) => ({ code: 0, stdout: out.stdout, stderr: out.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  )

it('--version is the package version', async () => {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
  expect(await lgsp('--version')).toMatchObject({ code: 0, stdout: `lgsp-gateway ${version}\n` })
})

it('help names every command', async () => {
  const help = await lgsp('help')
  expect(help.code).toBe(0)
  for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'))
})

describe.each(COMMANDS)('lgsp %s --help', (command) => {
  it('prints that command alone and runs nothing', async () => {
    const out = await lgsp(command, '--help')
    expect(out.code).toBe(0)
    expect(out.stdout.startsWith(`Usage:\n  ${command}`)).toBe(true)
    for (const other of COMMANDS.filter((c) => c !== command)) expect(out.stdout).not.toMatch(new RegExp(`^  ${other} `, 'm'))
    expect(out.stderr).toBe('')
  })
})

it('an unknown command is refused with the list of real ones', async () => {
  const out = await lgsp('polcy', 'apply')
  expect(out.code).toBe(2)
  expect(out.stderr).toBe(`Unknown command: polcy. Commands: ${COMMANDS.join(', ')}, help.\n`)
})

it('a token for an unknown agency or client names the ones that exist', async () => {
  const agency = await lgsp('token', '--agency', 'thue-ha-nam')
  expect(agency.code).toBe(2)
  expect(agency.stderr).toMatch(/^No active client of agency thue-ha-nam\. Agencies with a development client: [a-z-, ]*\bthue-ha-noi\b[a-z-, ]*\.\n$/)
  const client = await lgsp('token', '--agency', 'thue-ha-noi', '--client', 'tms')
  expect(client.stderr).toBe('No active client of agency thue-ha-noi named tms. Its clients: tms-thue-ha-noi.\n')
}, 60_000)

it("the kit's relay listens on loopback only: it carries tokens and documents over plain HTTP", async () => {
  const out = await lgsp(
    'conformance',
    'run',
    '--role',
    'department',
    '--target',
    'http://127.0.0.1:9',
    '--agency',
    'vpdk-dat-dai-ha-noi',
    '--client',
    'mot-cua-hong-ha-igate',
    '--key',
    join(dataDir, 'absent.jwk.json'),
    '--procedure',
    '1.004227',
    '--listen',
    '0.0.0.0:8790',
  )
  expect(out.code).toBe(2)
  expect(out.stderr).toMatch(/^--listen must be a loopback address: .+SSH tunnel or a TLS proxy/)
})
