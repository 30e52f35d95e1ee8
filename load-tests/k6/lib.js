// The benchmark's query mix (load-tests/bench/scenarios.ts) for k6: the shipped agencies with the
// purposes their grants name, subjects as variables, weighted 3 tax office enterprise lookups,
// 2 land office parcel lookups, 2 one-stop desk verifications, 2 ward police residence reads and
// 1 connectivity check in every 10 requests.
//
// Environment:
//   BASE_URL      the gateway (default http://127.0.0.1:8080)
//   TOKEN_URL     where to fetch fresh tokens (load-tests/k6/token-server.ts): tokens live 5 minutes,
//                 so every run longer than that needs it; each VU refetches every 4 minutes
//   TOKEN_THUE, TOKEN_VPDK, TOKEN_MOT_CUA, TOKEN_CONG_AN
//                 or fixed tokens of the four agencies (npx lgsp token --agency thue-ha-noi, etc.)
import http from 'k6/http'
import { check } from 'k6'
import { Counter, Rate, Trend } from 'k6/metrics'

const data = JSON.parse(open('./subjects.json'))
const Q = data.queries
const S = data.subjects

export const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080'
let TOKENS = {
  'thue-ha-noi': __ENV.TOKEN_THUE,
  'vpdk-dat-dai-ha-noi': __ENV.TOKEN_VPDK,
  'mot-cua-phuong-hong-ha': __ENV.TOKEN_MOT_CUA,
  'cong-an-phuong-hong-ha': __ENV.TOKEN_CONG_AN,
}

// A 429 is the gateway doing its job: not a failed request, but counted on its own.
http.setResponseCallback(http.expectedStatuses(200, 429))
export const rateLimited = new Rate('lgsp_rate_limited')
export const graphqlErrors = new Counter('lgsp_graphql_errors')
export const granted = new Trend('lgsp_granted_duration', true)

const TOKEN_URL = __ENV.TOKEN_URL
const REFRESH_MS = 4 * 60 * 1000
let fetchedAt = 0

function refreshTokens() {
  if (!TOKEN_URL || Date.now() - fetchedAt < REFRESH_MS) return
  const res = http.get(TOKEN_URL, { tags: { kind: 'token-refresh' }, responseCallback: http.expectedStatuses(200) })
  if (res.status !== 200) throw new Error(`TOKEN_URL answered ${res.status}`)
  TOKENS = res.json()
  fetchedAt = Date.now()
}

export function checkTokens() {
  refreshTokens()
  for (const [agency, token] of Object.entries(TOKENS)) {
    if (!token) throw new Error(`no token for ${agency}: set TOKEN_URL, or its TOKEN_* (npx lgsp token --agency ${agency})`)
  }
}

function pick(list, i) {
  return list[i % list.length]
}

const kinds = [
  (i) => ({
    name: 'tax-enterprise',
    agency: 'thue-ha-noi',
    headers: { 'x-purpose': 'QUAN_LY_THUE' },
    query: Q.taxEnterprise,
    variables: { code: pick(S.enterprises, i) },
  }),
  (i) => ({
    name: 'land-parcel',
    agency: 'vpdk-dat-dai-ha-noi',
    headers: { 'x-purpose': 'DANG_KY_DAT_DAI' },
    query: Q.landParcel,
    variables: { key: pick(S.parcels, i) },
  }),
  (i) => ({
    name: 'verify-citizen',
    agency: 'mot-cua-phuong-hong-ha',
    headers: { 'x-purpose': 'XAC_MINH_NHAN_THAN', 'x-case-id': `HS-${1000 + (i % 9000)}.2026`, 'x-end-user': 'can-bo.nguyen' },
    query: Q.verifyCitizen,
    variables: pick(S.applicants, i),
  }),
  (i) => ({
    name: 'ward-resident',
    agency: 'cong-an-phuong-hong-ha',
    headers: { 'x-purpose': 'QUAN_LY_CU_TRU' },
    query: Q.wardResident,
    variables: { pin: pick(S.residents, i) },
  }),
  (i) => ({
    name: 'connectivity',
    agency: pick(['thue-ha-noi', 'vpdk-dat-dai-ha-noi', 'mot-cua-phuong-hong-ha'], i),
    headers: { 'x-purpose': 'KIEM_TRA_KET_NOI' },
    query: Q.connectivity,
  }),
]
// 10 slots: 3 tax, 2 land, 2 verify, 2 resident, 1 connectivity.
const WEIGHTS = [0, 0, 0, 1, 1, 2, 2, 3, 3, 4]

/** One request of the mix, chosen by iteration, checked: 200 with data and no errors, or 429. */
export function mixedRequest() {
  refreshTokens()
  const i = __ITER + __VU * 7
  const r = kinds[WEIGHTS[i % WEIGHTS.length]](i)
  const res = http.post(`${BASE_URL}/graphql`, JSON.stringify(r.variables ? { query: r.query, variables: r.variables } : { query: r.query }), {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS[r.agency]}`, ...r.headers },
    tags: { kind: r.name, agency: r.agency },
  })
  rateLimited.add(res.status === 429)
  if (res.status === 429) {
    check(res, { '429 says when to retry': (x) => Boolean(x.headers['Retry-After']) })
    return res
  }
  const body = res.json()
  const ok = check(res, {
    'status 200': (x) => x.status === 200,
    'data, no errors': () => body?.data && !body.errors,
  })
  if (body?.errors) graphqlErrors.add(1, { kind: r.name })
  if (ok) granted.add(res.timings.duration, { kind: r.name })
  return res
}

/** Thresholds every profile shares; each script adds its latency targets. */
export const baseThresholds = {
  http_req_failed: ['rate<0.01'],
  checks: ['rate>0.99'],
  lgsp_graphql_errors: ['count<1'],
}
