/**
 * Identity as operators and department systems meet it, across processes: a gateway process,
 * a client process holding only its private key, and `lgsp keys rotate` run while under load.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { decodeProtectedHeader, type JWK } from 'jose'
import { requestAccessToken } from '../connectors/index.js'
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot as root, gatewayEnv, startGatewayProcess, type GatewayProcess } from './gateway-process.js'
import { policiesWithLiftedTaxLimit } from './policy/lifted-policies.js'
import { sleep } from './waiting.js'

const run = promisify(execFile)
const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-identity-'))
// The rotation test drives the tax office as fast as four workers can: far past its sandbox rate
// limit, which is not what it checks. A copy of the policies lifts that agency's limit.
const policiesDir = policiesWithLiftedTaxLimit(dataDir)
const env = gatewayEnv({ DATA_DIR: dataDir, POLICIES_DIR: policiesDir, SANDBOX_CITIZENS: '600', SANDBOX_PARCELS: '200', SANDBOX_ENTERPRISES: '150' })
let gateway: GatewayProcess | undefined
let url: string
let issuer: string
const devKeys = new Map<string, string>()

beforeAll(async () => {
  gateway = await startGatewayProcess(env, { timeoutMs: 50_000 })
  url = gateway.url
  const banner = gateway.output()
  issuer = /Issuer:\s+(\S+)/.exec(banner)?.[1] as string
  for (const match of banner.matchAll(/^\s{4}([a-z0-9-]+)\s+(\/\S+\.private\.jwk\.json)$/gm)) devKeys.set(match[1] as string, match[2] as string)
}, 60_000)

afterAll(async () => {
  await gateway?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

/** What a department system does: sign an assertion with its private key, exchange it. */
async function obtainToken(clientId: string): Promise<string> {
  const jwk = JSON.parse(await readFile(devKeys.get(clientId) as string, 'utf8')) as JWK
  return (await requestAccessToken({ gateway: url, issuer, clientId, privateKey: jwk })).token
}

const query = JSON.stringify({ query: '{ administrativeUnit(code: "00097") { fullName } }' })
const call = (token: string) =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'KIEM_TRA_KET_NOI' },
    body: query,
  })

describe('identity across processes', () => {
  it('a client process obtains a token with nothing but its private key and the token endpoint', async () => {
    expect(devKeys.size).toBeGreaterThanOrEqual(7)
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'examples/client-credentials.ts', url, 'mot-cua-hong-ha-igate', devKeys.get('mot-cua-hong-ha-igate') as string, issuer],
      { cwd: root, env },
    )
    expect(stdout).toContain('access token for mot-cua-hong-ha-igate, expires in 300 s')
    expect(stdout).toMatch(/^200 .*Phường Hồng Hà/m)
  }, 30_000)

  it('rotates keys under load without one failed request; old and new tokens both verify', async () => {
    const oldToken = await obtainToken('tms-thue-ha-noi')
    const oldKid = decodeProtectedHeader(oldToken).kid
    const statuses = new Map<number, number>()
    let newToken: string | null = null
    let stop = false
    const worker = async (useNew: boolean) => {
      while (!stop) {
        const token = useNew && newToken ? newToken : oldToken
        const res = await call(token)
        await res.arrayBuffer()
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      }
    }
    const workers = [worker(false), worker(false), worker(true), worker(true)]
    await sleep(700)
    const rotated = await run(process.execPath, ['bin/lgsp.js', 'keys', 'rotate'], { cwd: root, env })
    expect(rotated.stdout).toMatch(/New signing key \S+; \S+ keeps verifying/)
    // Running instances pick the rotation up within their refresh interval (2 s).
    const deadline = Date.now() + 8000
    let jwksKids: string[] = []
    while (Date.now() < deadline) {
      newToken = await obtainToken('tms-thue-ha-noi')
      if (decodeProtectedHeader(newToken).kid !== oldKid) break
      await sleep(200)
    }
    jwksKids = ((await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid)
    await sleep(700)
    stop = true
    await Promise.all(workers)
    expect(decodeProtectedHeader(newToken as string).kid).not.toBe(oldKid)
    expect(jwksKids).toContain(oldKid)
    expect(jwksKids).toContain(decodeProtectedHeader(newToken as string).kid)
    const total = [...statuses.values()].reduce((a, b) => a + b, 0)
    expect(Object.fromEntries(statuses), 'every request during the rotation succeeded').toEqual({ 200: total })
    expect(total).toBeGreaterThan(50)
    console.log(`key rotation under load: ${total} requests, all 200; JWKS during overlap: ${jwksKids.length} keys`)
    expect((await call(oldToken)).status).toBe(200)
    // The gateway recorded the switch in the audit trail (the CLI could not: PGlite is held by
    // the gateway). Stopped first: the embedded database serves one process at a time.
    await gateway?.stop()
    const exported = await run(process.execPath, ['bin/lgsp.js', 'audit', 'export', '--kind', 'keys.rotated'], { cwd: root, env })
    const events = exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { actor: string; detail: { kid: string; previous: string } })
    expect(events).toEqual([
      expect.objectContaining({ actor: 'gateway', detail: expect.objectContaining({ kid: decodeProtectedHeader(newToken as string).kid, previous: oldKid }) }),
    ])
    expect((await run(process.execPath, ['bin/lgsp.js', 'audit', 'verify'], { cwd: root, env })).stdout).toMatch(/^OK: /m)
  }, 60_000)
})
