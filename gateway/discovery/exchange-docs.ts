import type { RouteDoc } from './route-doc.js'
import { audited, contractOperation } from './route-doc.js'

const EXCHANGE = 'the dossier exchange is enabled (the Node entry always enables it)'

/** Document parts of the dossier exchange, and the contract its partner systems are built against. */
export const EXCHANGE_ROUTES: RouteDoc[] = [
  {
    method: 'put',
    path: '/v1/blobs/{sha256}',
    caller: 'agency',
    servedWhen: EXCHANGE,
    operation: audited(contractOperation('/v1/blobs/{sha256}', 'put', 'parts')),
  },
  {
    method: 'get',
    path: '/v1/blobs/{sha256}',
    caller: 'agency',
    servedWhen: EXCHANGE,
    operation: audited(contractOperation('/v1/blobs/{sha256}', 'get', 'parts')),
  },
  { method: 'get', path: '/v1/contract', caller: 'public', operation: contractOperation('/v1/contract', 'get', 'contract') },
  { method: 'get', path: '/v1/contract/{name}', caller: 'public', operation: contractOperation('/v1/contract/{name}', 'get', 'contract') },
]
