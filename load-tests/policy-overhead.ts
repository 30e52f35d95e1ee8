/**
 * How much of a request's time the agency policy costs (the target: under 5 %). A benchmark, not a
 * test: it prints numbers and asserts nothing.
 *
 * The gateway runs in process over the sandbox registries (real HTTP on 127.0.0.1) with the
 * policies that ship; requests go through `app.request` as the tax office (row filters and masks)
 * and the ward police (row filters). Then each piece of policy work is timed on its own, on the
 * same documents and results: the decision (cached, as the hot path runs it, and uncached, as the
 * first request of a new query text pays), the row-filter checks per record, and the masking
 * walk of the response. The share = policy time per request / request time.
 *
 *   node --import tsx load-tests/policy-overhead.ts [--requests N]
 */
import { parse } from 'graphql'
import { parseArgs } from 'node:util'
import { createRequestDecider } from '../gateway/graphql/enforce/decide-request.js'
import { maskResult } from '../gateway/graphql/enforce/mask-result.js'
import { matches } from '../policies/index.js'
import { createTestGateway } from '../test/harness.js'
import { loadSandboxPolicies, sandboxAgencies, tokenFor } from '../test/policy/sandbox-agencies.js'
import { buildGatewaySchema } from '../gateway/graphql/schema.js'
import { createConnectors } from '../connectors/index.js'
import { sandboxRegistries } from '../gateway/entry/canonical.js'

const { values } = parseArgs({ options: { requests: { type: 'string', default: '2000' } } })
const REQUESTS = Number(values.requests)

function mean(list: number[]): number {
  return list.reduce((a, b) => a + b, 0) / list.length
}
function percentile(list: number[], p: number): number {
  const sorted = [...list].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}
function time(iterations: number, fn: () => void): number {
  for (let i = 0; i < Math.min(200, iterations); i++) fn() // warm up
  const start = performance.now()
  for (let i = 0; i < iterations; i++) fn()
  return ((performance.now() - start) / iterations) * 1000 // µs
}

const agencies = await sandboxAgencies(await loadSandboxPolicies())
const gw = await createTestGateway({ policies: () => agencies.set })
const schema = buildGatewaySchema(
  createConnectors({
    population: { baseUrl: 'http://127.0.0.1:9', apiKey: 'x' },
    ...sandboxRegistries({ land: 'http://127.0.0.1:9', business: 'http://127.0.0.1:9' }),
  }),
)
const enterprise = gw.world.enterprises.find((e) => e.address.provinceCode === '01')!.code
const resident = gw.world.people.find((p) => p.permanent.communeCode === '00097')!.pin

const scenarios = [
  {
    name: 'tax office: enterprise + representatives (filter, mask)',
    agency: 'thue-ha-noi',
    headers: { 'x-purpose': 'QUAN_LY_THUE' },
    query: `{ enterprise(code: "${enterprise}") { code nameVi status { name } headOffice { province { code } } legalRepresentatives { name { full } title pin citizen { pin name { full } } } } }`,
  },
  {
    name: 'ward police: citizen residence (filter)',
    agency: 'cong-an-phuong-hong-ha',
    headers: { 'x-purpose': 'QUAN_LY_CU_TRU' },
    query: `{ citizen(pin: "${resident}") { pin name { full } birthDate residence { permanent { commune { code fullName } } temporary { validUntil } } household { householdId } } }`,
  },
]

const rows: string[] = []
for (const scenario of scenarios) {
  const token = await tokenFor(gw.identity, agencies, scenario.agency)
  const headers = { ...scenario.headers, authorization: `Bearer ${token}` }
  let sample: any
  for (let i = 0; i < 100; i++) sample = await gw.graphql(scenario.query, undefined, headers) // warm up
  if (sample.body.errors) throw new Error(`scenario ${scenario.name} fails: ${JSON.stringify(sample.body.errors)}`)
  const latencies: number[] = []
  for (let i = 0; i < REQUESTS; i++) {
    const start = performance.now()
    await gw.graphql(scenario.query, undefined, headers)
    latencies.push((performance.now() - start) * 1000)
  }
  const requestUs = mean(latencies)

  // The same decision the plugin makes, on the same inputs.
  const document = parse(scenario.query)
  const caller = { agencyId: scenario.agency } as never
  const context = { purpose: scenario.headers['x-purpose'], caseId: null, endUser: null, signed: false }
  const active = gw.policies.current()
  const cached = createRequestDecider(schema)
  const decisionCachedUs = time(20_000, () => cached(document, null, caller, context, active))
  // a fresh decider each time: nothing cached (the parse is Yoga's, cached per query text, not policy work)
  const decisionUncachedUs = time(2_000, () => createRequestDecider(schema)(document, null, caller, context, active))
  const result = cached(document, null, caller, context, active)
  if (!result.ok) throw new Error(result.message)
  // Row filters: one check per record of a filtered type the response holds (bounded above by
  // the number of objects in the response).
  const objects: unknown[] = []
  const collect = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(collect)
    else if (value && typeof value === 'object') {
      objects.push(value)
      Object.values(value).forEach(collect)
    }
  }
  collect(sample.body.data)
  const filters = [...result.decision.rowFilters.values()]
  const record = gw.world.people[0]
  const filterUs =
    filters.length === 0
      ? 0
      : time(20_000, () => {
          for (const f of filters) matches(f, { residence: { permanent: { communeCode: record!.permanent.communeCode } }, headOffice: { provinceCode: '01' } })
        }) * Math.max(1, objects.length / 4)
  const maskUs =
    result.decision.masks.size === 0
      ? 0
      : time(5_000, () => maskResult(schema, document, null, structuredClone(sample.body.data), result.decision.masks, (v) => v))
  const cloneUs = result.decision.masks.size === 0 ? 0 : time(5_000, () => structuredClone(sample.body.data))
  const policyUs = decisionCachedUs + filterUs + Math.max(0, maskUs - cloneUs)
  rows.push(
    `${scenario.name}\n` +
      `  request            mean ${requestUs.toFixed(0)} µs   p50 ${percentile(latencies, 50).toFixed(0)} µs   p99 ${percentile(latencies, 99).toFixed(0)} µs   (${REQUESTS} requests, in process, sandbox registries over loopback)\n` +
      `  decision (cached)  ${decisionCachedUs.toFixed(2)} µs\n` +
      `  decision (new doc) ${decisionUncachedUs.toFixed(1)} µs   (collect + decide, nothing cached: the first request of a query text)\n` +
      `  row filters        ${filterUs.toFixed(2)} µs   (${filters.length} filters × ~${Math.max(1, objects.length / 4).toFixed(0)} records)\n` +
      `  masks              ${Math.max(0, maskUs - cloneUs).toFixed(1)} µs\n` +
      `  policy share       ${((policyUs / requestUs) * 100).toFixed(2)} % of request time (hot path); ${(((decisionUncachedUs + filterUs + Math.max(0, maskUs - cloneUs)) / requestUs) * 100).toFixed(2)} % for a new query text`,
  )
}
await gw.close()
process.stdout.write(`\nPolicy evaluation cost (node ${process.version}, ${new Date().toISOString()})\n\n${rows.join('\n\n')}\n`)
