// Soak: a steady 30 req/s for 2 hours. Catches what only time shows: memory growth, audit queue
// build-up (lgsp_audit_queue_depth on /metrics), connection-pool leaks. Tokens live 5 minutes:
// run it with TOKEN_URL (load-tests/k6/token-server.ts), as load and stress need too.
import { baseThresholds, checkTokens, mixedRequest } from './lib.js'

export const options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate: 30,
      timeUnit: '1s',
      duration: __ENV.SOAK_DURATION || '2h',
      preAllocatedVUs: 20,
      maxVUs: 100,
    },
  },
  thresholds: {
    ...baseThresholds,
    http_req_duration: ['p(95)<300', 'p(99)<1000'],
  },
}

export function setup() {
  checkTokens()
}

export default function () {
  mixedRequest()
}
