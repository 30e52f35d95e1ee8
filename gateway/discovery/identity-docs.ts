import { json, ref } from '../contract/index.js'
import type { RouteDoc } from './route-doc.js'
import { contractOperation, jsonAnswer } from './route-doc.js'

const token = contractOperation('/oauth/token', 'post', 'identity')

/** The authorization server: its metadata, the token endpoint and the key sets. */
export const IDENTITY_ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/.well-known/oauth-authorization-server',
    caller: 'public',
    operation: {
      operationId: 'authorizationServerMetadata',
      tags: ['identity'],
      summary: 'Authorization server metadata (RFC 8414): where the token endpoint and the keys are',
      description:
        'What an OAuth client library reads to find everything else: the issuer, the token endpoint, the key set, the one grant (`client_credentials`) and the one client authentication (`private_key_jwt`) with the algorithms it accepts. There is no authorization endpoint.',
      responses: { '200': jsonAnswer('Cached for 300 s.', 'AuthorizationServerMetadata') },
    },
  },
  {
    method: 'post',
    path: '/oauth/token',
    caller: 'public',
    operation: {
      ...token,
      responses: {
        ...token.responses,
        // Every attempt is an audit event: one that cannot be recorded is refused in the error contract.
        '503': {
          description:
            '`temporarily_unavailable` (`OAuthError`): replays cannot be checked now; or `AUDIT_UNAVAILABLE` (`ErrorBody`): the attempt could not be recorded. Retry shortly.',
          content: json({ anyOf: [ref('schemas', 'OAuthError'), ref('schemas', 'ErrorBody')] }),
        },
      },
    },
  },
  { method: 'get', path: '/.well-known/jwks.json', caller: 'public', operation: contractOperation('/.well-known/jwks.json', 'get', 'identity') },
  {
    method: 'get',
    path: '/.well-known/lgsp-key-history.json',
    caller: 'public',
    operation: contractOperation('/.well-known/lgsp-key-history.json', 'get', 'identity'),
  },
]
