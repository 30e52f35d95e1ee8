// Smoke: 1 virtual user, 30 s. Does every request of the mix pass, with tokens and purposes right?
//   k6 run -e TOKEN_THUE=… -e TOKEN_VPDK=… -e TOKEN_MOT_CUA=… -e TOKEN_CONG_AN=… load-tests/k6/smoke.js
import { sleep } from 'k6'
import { baseThresholds, checkTokens, mixedRequest } from './lib.js'

export const options = {
  vus: 1,
  duration: '30s',
  thresholds: { ...baseThresholds, lgsp_rate_limited: ['rate==0'], http_req_duration: ['p(95)<250'] },
}

export function setup() {
  checkTokens()
}

export default function () {
  mixedRequest()
  sleep(0.2)
}
