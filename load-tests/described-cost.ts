/**
 * What a connector described as data costs against the hand-written one it rebuilds: CPU per call
 * of this process (the client side: request, answer check, mapping), the sandbox registry in its
 * own process so its work is not counted. A benchmark, not a test: it prints numbers and asserts
 * nothing.
 *
 * Three calls per registry, as the gateway makes them. Business (REST): one enterprise by code, a
 * batch of 20 codes (the loader of a page of links), a search window of 20 (one search call and
 * one batch call). Land (SOAP): one parcel by key, the parcels of 20 holders (the loader of a page
 * of links), a commune's window of 20. Rounds alternate the two implementations, each over the
 * same keys, on the same pooled transport.
 *
 *   node --import tsx load-tests/described-cost.ts [--registry business|land] [--rounds N] [--calls N]
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createBusinessConnector } from '../connectors/business/connector.js'
import { createDescribedBusinessConnector } from '../connectors/business/described-fixture.node.js'
import { createBusinessSandbox } from '../connectors/business/sandbox/server.js'
import { holderKey, type RequestScope } from '../connectors/kit/index.js'
import { createPooledTransport } from '../connectors/kit/pooled-transport.node.js'
import { createWorld, serveSandbox, type World } from '../connectors/kit/sandbox/index.js'
import { createLandConnector } from '../connectors/land/connector.js'
import { createDescribedLandConnector } from '../connectors/land/described-fixture.node.js'
import { createLandSandbox } from '../connectors/land/sandbox/index.js'
import { killAndWait } from '../test/services/process.js'

const { values } = parseArgs({
  options: {
    registry: { type: 'string', default: 'business' },
    rounds: { type: 'string', default: '6' },
    calls: { type: 'string', default: '300' },
    child: { type: 'boolean', default: false },
  },
})
const WORLD = { citizens: 2000, parcels: 600, enterprises: 600 }

type Call = (implementation: string, i: number) => Promise<unknown>
interface Registry {
  sandbox: (world: World) => Parameters<typeof serveSandbox>[1]
  /** Each kind of call, run against the implementation named. */
  calls: (world: World, url: string, transport: ReturnType<typeof createPooledTransport>) => Array<[string, Call]>
}

const scope: RequestScope = { requestId: 'bench' }
/** The two implementations by name, as the rounds call them. */
const byName =
  <T>(implementations: { 'hand-written': T; described: T }) =>
  (name: string): T =>
    implementations[name as keyof typeof implementations]
/** The i-th run of 20 keys of a list, wrapping round. */
const twenty = (keys: readonly string[], i: number) => Array.from({ length: 20 }, (_, k) => keys[(i * 20 + k) % keys.length]!)

const REGISTRIES: Record<string, Registry> = {
  business: {
    sandbox: createBusinessSandbox,
    calls(world, url, transport) {
      const codes = world.enterprises.map((e) => e.code)
      const c = byName({
        'hand-written': createBusinessConnector({ baseUrl: url, transport: transport.send }),
        described: createDescribedBusinessConnector({ baseUrl: url, transport: transport.send }),
      })
      return [
        ['one enterprise by code', (name, i) => c(name).enterprise(codes[i % codes.length]!, scope)],
        ['a batch of 20 codes', (name, i) => c(name).enterprisesByCode(twenty(codes, i), scope)],
        ['a search window of 20', (name, i) => c(name).search({ offset: (i * 20) % 500, limit: 20 }, scope)],
      ]
    },
  },
  land: {
    sandbox: createLandSandbox,
    calls(world, url, transport) {
      const keys = world.parcels.map((p) => p.key)
      const holders = [
        ...new Set(world.parcels.flatMap((p) => p.holders.map((h) => (h.kind === 'PERSON' ? holderKey({ pin: h.id }) : holderKey({ taxCode: h.id }))))),
      ]
      const communes = [...new Set(world.parcels.map((p) => p.address.communeCode))]
      const c = byName({
        'hand-written': createLandConnector({ baseUrl: url, transport: transport.send }),
        described: createDescribedLandConnector({ baseUrl: url, transport: transport.send }),
      })
      return [
        ['one parcel by key', (name, i) => c(name).parcel(keys[i % keys.length]!, scope)],
        ['the parcels of 20 holders', (name, i) => c(name).createLoaders(scope).parcelsByHolder.loadMany(twenty(holders, i))],
        ['a commune window of 20', (name, i) => c(name).parcelsByCommune(communes[i % communes.length]!, { offset: 0, limit: 20 }, scope)],
      ]
    },
  },
}
const registry = REGISTRIES[values.registry]
if (!registry) throw new Error(`--registry is one of ${Object.keys(REGISTRIES).join(', ')}`)

if (values.child) {
  // The registry's own process: its CPU is not the connectors'.
  const server = await serveSandbox(`${values.registry}-bench`, registry.sandbox(createWorld(WORLD)))
  console.log(`SANDBOX ${server.url}`)
} else {
  await run(registry)
}

async function run(registry: Registry): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', '--registry', values.registry], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
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
    const transport = createPooledTransport()
    const implementations = ['hand-written', 'described']
    const kinds = registry.calls(world, url, transport)
    const calls = Number(values.calls)
    const cpu = new Map<string, number[]>()
    // Warm-up: every path compiled and every socket open before anything is counted.
    for (const name of implementations) for (const [, call] of kinds) for (let i = 0; i < 50; i++) await call(name, i)
    for (let round = 0; round < Number(values.rounds); round++) {
      const order = round % 2 === 0 ? implementations : [...implementations].reverse()
      for (const name of order) {
        for (const [kind, call] of kinds) {
          const started = process.cpuUsage()
          for (let i = 0; i < calls; i++) await call(name, i)
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
