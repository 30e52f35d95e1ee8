/**
 * The peer target (e): Hive Gateway serving a GraphQL Mesh supergraph over the same sandbox
 * registries (load-tests/peer/, its own package.json and lockfile, installed on first use). What
 * the bench runner needs of it: install it, start it as a process of its own, rewrite the mix to
 * its field names and compare its answers with ours. It does no auth, policy, audit or limits.
 */
import { spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { POPULATION_SANDBOX_API_KEY } from '../../connectors/sandboxes.js'
import { peerMix } from '../peer/queries.js'
import { samePeerAnswer } from '../peer/same-answer.js'
import { assertLoopback, repoRoot, startBenchServer, type BenchServer, type BenchServerOptions } from './processes.js'
import type { MixEntry } from './scenarios.js'

export { peerMix, samePeerAnswer }

const peerDir = join(repoRoot, 'load-tests', 'peer')

/** Installed when node_modules holds npm's record of an install newer than the lockfile. */
function installed(): boolean {
  const record = join(peerDir, 'node_modules', '.package-lock.json')
  return existsSync(record) && statSync(record).mtimeMs >= statSync(join(peerDir, 'package-lock.json')).mtimeMs
}

/** `npm ci` in load-tests/peer when its node_modules is missing or older than the lockfile. */
export async function ensurePeerInstalled(): Promise<void> {
  if (installed()) return
  process.stdout.write('peer (e): installing load-tests/peer (npm ci, once; about a minute or two)\n')
  // Under `npm run`, npm_execpath is the npm that runs us; else the npm on PATH.
  const npmCli = process.env.npm_execpath
  const [command, args] = npmCli?.endsWith('.js') ? [process.execPath, [npmCli, 'ci', '--no-audit', '--no-fund']] : ['npm', ['ci', '--no-audit', '--no-fund']]
  const child = spawn(command, args, { cwd: peerDir, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', resolve)
  })
  if (code !== 0) throw new Error(`npm ci in load-tests/peer failed (exit ${code}):\n${output.slice(-4000)}`)
}

/**
 * Starts load-tests/peer/server.ts (NODE_ENV=production, 127.0.0.1, a free port) and resolves
 * once it prints BENCH_READY with a loopback URL. `env` must hold BENCH_UPSTREAMS; the population
 * sandbox's key is added here.
 */
export async function startPeerServer(env: Record<string, string>, options: Omit<BenchServerOptions, 'script'> = {}): Promise<BenchServer<{ url: string }>> {
  const server = await startBenchServer<{ url: string }>(
    'peer',
    { PEER_POPULATION_API_KEY: POPULATION_SANDBOX_API_KEY, ...env },
    {
      ...options,
      script: join(peerDir, 'server.ts'),
    },
  )
  try {
    assertLoopback(server.info.url)
  } catch (error) {
    await server.stop()
    throw error
  }
  return server
}

async function postEntry(url: string, entry: MixEntry, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch(new URL('/graphql', assertLoopback(url)), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: entry.body,
  })
  const text = await response.text()
  try {
    return JSON.parse(text) as unknown
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 200)}` }] }
  }
}

/**
 * Sends every entry of the mix once to our gateway (with the entry's agency token and headers)
 * and once to the peer (rewritten by peerMix), and returns one line per entry whose answers
 * differ (empty when all are equal). Numbers for two targets that answer different facts would
 * compare different work, so the bench and check.ts both refuse to go on past a difference.
 */
export async function peerDifferences(ours: { url: string; tokens: Record<string, string> }, peerUrl: string, mix: MixEntry[]): Promise<string[]> {
  const peers = peerMix(mix)
  const differences: string[] = []
  for (const [i, entry] of mix.entries()) {
    const oursAnswer = await postEntry(ours.url, entry, { ...entry.headers, authorization: `Bearer ${ours.tokens[entry.agency]}` })
    const peerAnswer = await postEntry(peerUrl, peers[i]!, peers[i]!.headers)
    const difference = samePeerAnswer(oursAnswer, peerAnswer, entry)
    if (difference) differences.push(`#${i} ${entry.name} ${entry.body.slice(entry.body.indexOf('"variables"'))}: ${difference}`)
  }
  return differences
}
