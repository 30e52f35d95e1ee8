// Load: the expected working-day traffic, ramped up to 50 req/s, held 10 minutes, ramped down.
// The shipped agency limits (policies/agencies/*.yaml) allow 5–40 req/s each: above them the
// gateway answers 429, which is counted in lgsp_rate_limited and not as a failure.
import { baseThresholds, checkTokens, mixedRequest } from './lib.js'

export const options = {
  scenarios: {
    working_day: {
      executor: 'ramping-arrival-rate',
      startRate: 5,
      timeUnit: '1s',
      preAllocatedVUs: 20,
      maxVUs: 100,
      stages: [
        { target: 50, duration: '2m' },
        { target: 50, duration: '10m' },
        { target: 0, duration: '1m' },
      ],
    },
  },
  thresholds: {
    ...baseThresholds,
    http_req_duration: ['p(95)<300', 'p(99)<800'],
    lgsp_granted_duration: ['p(95)<300'],
  },
}

export function setup() {
  checkTokens()
}

export default function () {
  mixedRequest()
}
