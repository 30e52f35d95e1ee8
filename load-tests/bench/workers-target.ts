/**
 * The benchmark's (w): the gateway's Workers entry on workerd (wrangler's local mode), on the same
 * PostgreSQL the run started for it, with its limits, claims and counters in Durable Objects and
 * its audit trail through the audit writer's object. The policies are the shipped documents with
 * each agency's development client swapped for a test client registered by its public key (a
 * Worker has no data directory for development keys) and the limits raised as for (b) and (c);
 * they are applied to the database, which the Worker bootstraps from when it finds them there.
 * Tokens come from the Worker's own token endpoint, with assertions signed by those clients.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { parse as parseYaml } from 'yaml'
import { requestAccessToken } from '../../connectors/index.js'
import { startReplaySandboxes } from '../../connectors/sandboxes.js'
import { servedCanonical } from '../../gateway/entry/canonical.js'
import { readPolicyFiles } from '../../gateway/policy/store/read-files.node.js'
import { registrySettings } from '../../test/services/registry-settings.js'
import { applyPolicies, startGatewayWorker, writeGatewayKeyFile } from '../../test/workers/gateway-worker.js'
import { repoRoot, TOKENS_PATH } from './processes.js'
import { MIX_AGENCIES } from './scenarios.js'
import { workerdChildren, workerdRoles } from './workerd-process.js'

const RAISE = 1000
type Rate = { perMinute: number; burst: number }
/** Raised, up to what the policy language accepts (a stored version is validated). */
const raised = (value: number, max: number) => Math.min(value * RAISE, max)

/** The agency document with its first client registered by `jwk`, and every limit raised. */
function benchAgency(document: Record<string, unknown>, clientId: string, jwk: JWK): Record<string, unknown> {
  const rate = (r: Rate) => ({ perMinute: raised(r.perMinute, 1_000_000), burst: raised(r.burst, 1_000_000) })
  const limits = document.limits as { rate?: Rate; dailyQuota?: number } | undefined
  const grants = (document.grants as Array<{ limits?: { rate?: Rate; perSubjectPerDay?: number; perEndUserPerHour?: number } }> | undefined) ?? []
  return {
    ...document,
    clients: [{ id: clientId, jwks: { keys: [jwk] } }],
    ...(limits
      ? {
          limits: {
            ...limits,
            ...(limits.rate ? { rate: rate(limits.rate) } : {}),
            ...(limits.dailyQuota ? { dailyQuota: raised(limits.dailyQuota, 100_000_000) } : {}),
          },
        }
      : {}),
    grants: grants.map((grant) =>
      grant.limits
        ? {
            ...grant,
            limits: {
              ...(grant.limits.rate ? { rate: rate(grant.limits.rate) } : {}),
              ...(grant.limits.perSubjectPerDay ? { perSubjectPerDay: raised(grant.limits.perSubjectPerDay, 100_000) } : {}),
              ...(grant.limits.perEndUserPerHour ? { perEndUserPerHour: raised(grant.limits.perEndUserPerHour, 1_000_000) } : {}),
            },
          }
        : grant,
    ),
  }
}

/**
 * `closers`: the calling server's own list. What is started here goes on it at once, so the server
 * stops it even when a later step fails or a SIGTERM comes during the start.
 */
export async function startWorkersTarget(urls: { population: string; land: string; business: string }, closers: Array<() => Promise<unknown>>) {
  const databaseUrl = process.env.DATABASE_URL
  if (!databaseUrl || !process.env.PGUSER) throw new Error('(w) needs DATABASE_URL and PGUSER (a PostgreSQL the bench started)')
  // Test clients, one per agency, and the policy files with them in.
  const clients = new Map<string, { clientId: string; privateJwk: JWK; kid: string }>()
  const files = []
  for (const file of await readPolicyFiles(join(repoRoot, 'policies'))) {
    if (!file.name.startsWith('agencies/')) {
      files.push(file)
      continue
    }
    const document = parseYaml(file.text) as { agency: string; clients: Array<{ id: string }> }
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    const clientId = document.clients[0]!.id
    const kid = `${clientId}-bench`
    clients.set(document.agency, { clientId, privateJwk: await exportJWK(privateKey), kid })
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }
    files.push({ name: file.name, text: JSON.stringify(benchAgency(document, clientId, jwk)) })
  }
  await applyPolicies(databaseUrl, files, { author: 'bench', message: 'the shipped policies, bench clients, limits raised' })

  const keysDir = await mkdtemp(join(tmpdir(), 'lgsp-bench-workers-'))
  closers.push(() => rm(keysDir, { recursive: true, force: true }))
  const gatewayKeys = await writeGatewayKeyFile(keysDir)
  const { plans } = servedCanonical()
  const replays = await startReplaySandboxes(plans)
  closers.push(() => replays.close())
  const worker = await startGatewayWorker({
    DATABASE_URL: databaseUrl,
    PGUSER: process.env.PGUSER,
    GATEWAY_KEYS: gatewayKeys,
    HASH_SECRET: 'bench-hash-secret-bench-hash-secret-0001',
    ...registrySettings(urls, { plans, replays }),
  })
  closers.unshift(() => worker.stop())
  const issuer = new URL(worker.url).origin

  const mintTokens = async () => {
    const tokens: Record<string, string> = {}
    for (const agency of MIX_AGENCIES) {
      const client = clients.get(agency)
      if (!client) throw new Error(`no bench client for ${agency}`)
      const { token } = await requestAccessToken({
        gateway: worker.url,
        issuer,
        clientId: client.clientId,
        privateKey: { ...client.privateJwk, kid: client.kid },
      })
      tokens[agency] = token
    }
    return tokens
  }
  // The runner asks for fresh tokens at TOKENS_PATH; the Worker does not serve it, this process does.
  const tokenServer = createServer((req, res) => {
    if (req.url !== TOKENS_PATH) return void res.writeHead(404).end()
    mintTokens().then(
      (tokens) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tokens)),
      (error: unknown) => res.writeHead(500).end(String(error)),
    )
  })
  await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve))
  closers.unshift(() => new Promise((resolve) => tokenServer.close(resolve)))
  // Without it the runner would count this process instead: a wrong figure, silently.
  const children = await workerdChildren(process.pid)
  const roles = workerdRoles(children, Number(new URL(worker.url).port))
  if (roles === undefined)
    throw new Error(
      `(w): cannot tell which workerd runs the Worker among this process’s children: ${children.map((c) => `${c.pid} ${c.command}`).join('; ') || 'none'}`,
    )
  return {
    url: worker.url,
    tokensUrl: `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}`,
    tokens: await mintTokens(),
    cpuPid: roles.runtimePid,
    // wrangler's local proxy in front of the Worker: the load side's, as Cloudflare's front end would be.
    loadSidePids: [roles.proxyPid],
    stores: { audit: 'postgres (audit-writer object)', rateLimiter: 'durable-object' },
  }
}
