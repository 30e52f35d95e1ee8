import type { AgencyIdentity } from '../../policies/index.js'

/** An agency whose one client is a development client (`dev: true`), as the sandbox agencies' are. */
export const devAgency: AgencyIdentity = {
  agency: 'dev-agency',
  name: 'Dev agency',
  suspended: false,
  jurisdiction: { provinces: ['01'], communes: ['00097'] },
  clients: [{ id: 'dev-client', suspended: false, dev: true }],
}
