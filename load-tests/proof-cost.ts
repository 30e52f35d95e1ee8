/**
 * `npm run bench:proofs`: what a signed answer and a receipt cost per request, measured alone.
 * `npm run bench` runs the whole gateway with and without proofs, and its rounds differ by more
 * than the proofs cost; here the bench mix's real answers (fetched once from a gateway target)
 * are answered again and again by a small app that does only what the gateway's route does around
 * them (request id, caller, audit draft, then `createProofs().prove`, with node:crypto as the Node
 * entry wires it), with and without the proof headers, in interleaved blocks. The difference in
 * CPU per request is the proofs' own cost; it is printed against (b)'s CPU per request from the
 * latest `npm run bench` result, if there is one. Prints numbers and asserts nothing.
 *
 *   npm run bench:proofs [-- --blocks n] [--per-block n]
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Hono } from 'hono'
import { createAuditDraft } from '../gateway/audit/index.js'
import type { GatewayEnv } from '../gateway/env.js'
import { createProofs } from '../gateway/http/proofs.js'
import { nodeSignatureCrypto } from '../gateway/identity/keys/node-signature-crypto.node.js'
import { assertLoopback, repoRoot, startBenchServer } from './bench/processes.js'
import { buildMix, type MixSubjects } from './bench/scenarios.js'

const { values } = parseArgs({ options: { blocks: { type: 'string', default: '20' }, 'per-block': { type: 'string', default: '400' } } })
const BLOCKS = Number(values.blocks)
const PER_BLOCK = Number(values['per-block'])

const VARIANTS = {
  none: {},
  signature: { 'accept-signature': 'lgsp=("@status" "content-digest" "x-request-id")' },
  receipt: { prefer: 'receipt' },
  both: { 'accept-signature': 'lgsp=()', prefer: 'receipt' },
} as const

async function answersOfTheMix(): Promise<Array<{ request: unknown; text: string }>> {
  const stoppers: Array<() => Promise<void>> = []
  try {
    const sandboxes = await startBenchServer<{ upstreams: Record<string, string>; subjects: MixSubjects }>('sandboxes', {})
    stoppers.push(sandboxes.stop)
    const gateway = await startBenchServer<{ url: string; tokens: Record<string, string> }>('gateway', {
      BENCH_UPSTREAMS: JSON.stringify(sandboxes.info.upstreams),
    })
    stoppers.push(gateway.stop)
    const answers = []
    for (const entry of buildMix(sandboxes.info.subjects)) {
      const res = await fetch(new URL('/graphql', assertLoopback(gateway.info.url)), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...entry.headers, authorization: `Bearer ${gateway.info.tokens[entry.agency]}` },
        body: entry.body,
      })
      answers.push({ request: JSON.parse(entry.body), text: await res.text() })
    }
    return answers
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined)
  }
}

/** (b)'s CPU per request in the latest `npm run bench` result, if any. */
function latestGatewayCpu(): { cpuUs: number; file: string } | null {
  const dir = join(repoRoot, 'bench-results')
  let files: string[]
  try {
    files = readdirSync(dir)
      .filter((name) => /^bench-.*\.json$/.test(name))
      .sort()
  } catch {
    return null
  }
  for (const file of files.reverse()) {
    const result = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { results: Array<{ key: string; cpuUs: number | null }> }
    const b = result.results.find((r) => r.key === 'b')
    if (b?.cpuUs) return { cpuUs: b.cpuUs, file }
  }
  return null
}

async function main(): Promise<void> {
  const answers = await answersOfTheMix()
  const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
  const proofs = createProofs({
    key: () => ({ kid: '2026-12-04-0a1b2c3d', privateKey }),
    issuer: 'http://127.0.0.1:8080',
    agencyRequires: () => false,
    policyVersion: () => 1,
    primitives: nodeSignatureCrypto,
  })
  const app = new Hono<GatewayEnv>()
  let next = 0
  app.post('/graphql', async (c) => {
    const answer = answers[next++ % answers.length]!
    c.set('requestId', crypto.randomUUID())
    c.set('audit', createAuditDraft('access.graphql'))
    c.set('requestContext', { purpose: 'QUAN_LY_THUE', signed: false } as GatewayEnv['Variables']['requestContext'])
    c.set('requestJson', answer.request)
    const headers = new Headers({ 'content-type': 'application/graphql-response+json; charset=utf-8' })
    const body = await proofs.prove(c, { status: 200, body: answer.text, contentType: headers.get('content-type') }, headers)
    return new Response(body, { status: 200, headers })
  })
  const cpu = () => {
    const usage = process.cpuUsage()
    return usage.user + usage.system
  }
  const samples: Record<keyof typeof VARIANTS, number[]> = { none: [], signature: [], receipt: [], both: [] }
  const block = async (variant: keyof typeof VARIANTS) => {
    const before = cpu()
    for (let i = 0; i < PER_BLOCK; i++) {
      const res = await app.request('/graphql', { method: 'POST', headers: VARIANTS[variant], body: '{}' })
      await res.text()
    }
    return (cpu() - before) / PER_BLOCK
  }
  for (const variant of Object.keys(VARIANTS) as Array<keyof typeof VARIANTS>) await block(variant) // warm-up
  for (let i = 0; i < BLOCKS; i++) for (const variant of Object.keys(VARIANTS) as Array<keyof typeof VARIANTS>) samples[variant].push(await block(variant))
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!
  const base = median(samples.none)
  const gateway = latestGatewayCpu()
  process.stdout.write(
    `${answers.length} answers of the bench mix (${Math.round(answers.reduce((n, a) => n + a.text.length, 0) / answers.length)} bytes on average), ${BLOCKS} interleaved blocks × ${PER_BLOCK} per variant\n\n`,
  )
  process.stdout.write('| proof | CPU µs per request, over none | of (b)’s CPU per request |\n|---|---:|---:|\n')
  for (const variant of ['signature', 'receipt', 'both'] as const) {
    const cost = median(samples[variant].map((sample, i) => sample - samples.none[i]!))
    process.stdout.write(`| ${variant} | ${cost.toFixed(1)} | ${gateway ? `${((cost / gateway.cpuUs) * 100).toFixed(1)} %` : '–'} |\n`)
  }
  process.stdout.write(
    `\nthe route alone without proofs: ${base.toFixed(1)} µs per request${gateway ? `; (b): ${gateway.cpuUs.toFixed(0)} µs per request in ${gateway.file}` : ''}\n`,
  )
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:proofs failed: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  },
)
