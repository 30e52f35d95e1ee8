// Stress: past the expected traffic in steps until the gateway (or its registries) saturates.
// Watch where p99 bends and whether errors stay at zero: overload must show as latency and 429s,
// never as 5xx or a lost audit event (AUDIT_UNAVAILABLE).
import { baseThresholds, checkTokens, mixedRequest } from './lib.js'

export const options = {
  scenarios: {
    steps: {
      executor: 'ramping-arrival-rate',
      startRate: 50,
      timeUnit: '1s',
      preAllocatedVUs: 100,
      maxVUs: 1000,
      stages: [
        { target: 100, duration: '2m' },
        { target: 200, duration: '2m' },
        { target: 400, duration: '2m' },
        { target: 800, duration: '2m' },
        { target: 0, duration: '1m' },
      ],
    },
  },
  thresholds: {
    ...baseThresholds,
    http_req_failed: ['rate<0.05'],
    http_req_duration: ['p(99)<2000'],
  },
}

export function setup() {
  checkTokens()
}

export default function () {
  mixedRequest()
}
