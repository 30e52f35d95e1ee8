/**
 * What a connector described as data costs against the hand-written one it rebuilds: the business
 * registry, CPU per call of this process (the client side: request, answer check, mapping), the
 * sandbox registry in its own process so its work is not counted. A benchmark, not a test: it
 * prints numbers and asserts nothing.
 *
 * Three calls, as the gateway makes them: one enterprise by code, a batch of 20 codes (the loader
 * of a page of links), and a search window of 20 (one search call and one batch call). Rounds
 * alternate the two implementations, each over the same codes, on the same pooled transport.
 *
 *   node --import tsx load-tests/described-cost.ts [--rounds N] [--calls N]
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createBusinessConnector } from '../connectors/business/connector.js'
import { createDescribedBusinessConnector } from '../connectors/business/described-fixture.node.js'
import type { BusinessConnector } from '../connectors/business/connector.js'
import { createPooledTransport } from '../connectors/kit/pooled-transport.node.js'
import { createWorld, serveSandbox } from '../connectors/kit/sandbox/index.js'
import { createBusinessSandbox } from '../connectors/business/sandbox/server.js'
import { killAndWait } from '../test/services/process.js'

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '6' }, calls: { type: 'string', default: '300' }, child: { type: 'boolean', default: false } },
})
const WORLD = { citizens: 2000, parcels: 50, enterprises: 600 }

if (values.child) {
  // The registry's own process: its CPU is not the connectors'.
  const server = await serveSandbox('business-bench', createBusinessSandbox(createWorld(WORLD)))
  console.log(`SANDBOX ${server.url}`)
} else {
  await run()
}

async function run(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child'], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (chunk) => {
        out += chunk
        const line = out.split('\n').find((l) => l.startsWith('SANDBOX '))
        if (line) resolve(line.slice('SANDBOX '.length).trim())
      })
      child.once('exit', () => reject(new Error('the sandbox process ended before it was ready')))
    })
    const world = createWorld(WORLD)
    const codes = world.enterprises.map((e) => e.code)
    const transport = createPooledTransport()
    const implementations: Array<[string, BusinessConnector]> = [
      ['hand-written', createBusinessConnector({ baseUrl: url, transport: transport.send })],
      ['described', createDescribedBusinessConnector({ baseUrl: url, transport: transport.send })],
    ]
    const scope = { requestId: 'bench' }
    const kinds: Array<[string, (c: BusinessConnector, i: number) => Promise<unknown>]> = [
      ['one enterprise by code', (c, i) => c.enterprise(codes[i % codes.length]!, scope)],
      [
        'a batch of 20 codes',
        (c, i) =>
          c.enterprisesByCode(
            Array.from({ length: 20 }, (_, k) => codes[(i * 20 + k) % codes.length]!),
            scope,
          ),
      ],
      ['a search window of 20', (c, i) => c.search({ offset: (i * 20) % 500, limit: 20 }, scope)],
    ]
    const calls = Number(values.calls)
    const cpu = new Map<string, number[]>()
    // Warm-up: every path compiled and every socket open before anything is counted.
    for (const [, connector] of implementations) for (const [, call] of kinds) for (let i = 0; i < 50; i++) await call(connector, i)
    for (let round = 0; round < Number(values.rounds); round++) {
      const order = round % 2 === 0 ? implementations : [...implementations].reverse()
      for (const [name, connector] of order) {
        for (const [kind, call] of kinds) {
          const started = process.cpuUsage()
          for (let i = 0; i < calls; i++) await call(connector, i)
          const used = process.cpuUsage(started)
          const key = `${kind}\u0000${name}`
          cpu.set(key, [...(cpu.get(key) ?? []), (used.user + used.system) / calls])
        }
      }
    }
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!
    console.log(`CPU µs per call of this process (median of ${values.rounds} rounds × ${calls} calls; the registry in its own process)`)
    console.log('| call | hand-written | described | described ÷ hand-written |')
    console.log('|---|---:|---:|---:|')
    for (const [kind] of kinds) {
      const hand = median(cpu.get(`${kind}\u0000hand-written`)!)
      const described = median(cpu.get(`${kind}\u0000described`)!)
      console.log(`| ${kind} | ${hand.toFixed(0)} | ${described.toFixed(0)} | ${(described / hand).toFixed(2)} |`)
    }
    await transport.close()
  } finally {
    await killAndWait(child, 'SIGTERM')
  }
}
