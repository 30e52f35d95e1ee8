import type { ParameterObject } from 'openapi3-ts/oas31'
import type { RouteDoc } from './route-doc.js'
import { audited, failure, htmlAnswer, jsonAnswer, tooMany } from './route-doc.js'

const EXCHANGE = 'the dossier exchange is enabled (the Node entry always enables it)'
const unauthenticated = () => failure(['UNAUTHENTICATED'], 'no citizen token, or one that does not verify (with `WWW-Authenticate`).')
const query = (name: string, description: string, schema: ParameterObject['schema'], required = false): ParameterObject => ({
  name,
  in: 'query',
  required,
  description,
  schema,
})

/** A citizen's own channels: who read their data, their dossiers, and the e-ID's web login. */
export const CITIZEN_ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/access-history',
    caller: 'citizen',
    servedWhen: 'the audit trail is readable (the Node entry always wires it)',
    operation: audited({
      operationId: 'accessHistory',
      tags: ['citizen'],
      summary: "Who read the calling citizen's data, when, which fields and for which purpose",
      description: 'Newest first, a page at a time. Covert access is left out until its grant says so. The read is itself an audit event (`access.history`).',
      parameters: [
        query('limit', 'Entries per page, 1 to 100.', { type: 'string', pattern: '^(?:[1-9]\\d?|100)$', default: '50' }),
        query('cursor', '`nextCursor` of the page before.', { type: 'string' }),
      ],
      responses: {
        '200': jsonAnswer('A page of the history.', 'AccessHistoryPage'),
        '400': failure(['BAD_USER_INPUT'], '`limit` out of range, or a cursor this API did not return.'),
        '401': unauthenticated(),
      },
    }),
  },
  {
    method: 'get',
    path: '/v1/dossiers/status',
    caller: 'public',
    servedWhen: EXCHANGE,
    operation: audited({
      operationId: 'dossierStatus',
      tags: ['citizen'],
      summary: "A dossier's status and steps, with the secret printed on its receipt",
      description:
        'No login: the applicant gives the dossier code and the 10-character secret on the receipt. The answer names no person. An unknown code and a wrong secret get the same 404; lookups are limited per address. Audited (`dossier.looked_up`).',
      parameters: [
        query('code', 'The dossier code.', { type: 'string', minLength: 1, maxLength: 64 }, true),
        query('secret', 'The secret on the receipt.', { type: 'string', minLength: 1, maxLength: 32 }, true),
      ],
      responses: {
        '200': jsonAnswer('Where the dossier stands, and each step.', 'DossierStatus'),
        '400': failure(['BAD_USER_INPUT'], 'the code or the secret is missing or too long.'),
        '404': failure(['NOT_FOUND'], 'no dossier with this code and secret.'),
        '429': tooMany('too many lookups from this address.'),
      },
    }),
  },
  {
    method: 'get',
    path: '/v1/my-dossiers',
    caller: 'citizen',
    servedWhen: EXCHANGE,
    operation: audited({
      operationId: 'myDossiers',
      tags: ['citizen'],
      summary: "The calling citizen's own dossiers, with their steps",
      description: 'The dossiers whose applicant is the PIN the citizen token names. Audited (`dossier.looked_up`).',
      responses: { '200': jsonAnswer('Every dossier of the citizen.', 'MyDossiers'), '401': unauthenticated() },
    }),
  },
  {
    method: 'get',
    path: '/v1/citizen/login',
    caller: 'public',
    servedWhen: `${EXCHANGE}, and the national e-ID with its client secret (CITIZEN_OIDC_ISSUER, CITIZEN_OIDC_CLIENT_ID, CITIZEN_OIDC_CLIENT_SECRET)`,
    operation: audited({
      operationId: 'citizenLogin',
      tags: ['citizen'],
      summary: "Start the citizen's web login with the national e-ID",
      description:
        'OpenID Connect, authorization code with PKCE: sends the browser to the e-ID, keeping the state, nonce and verifier in a short cookie sealed with the gateway keys.',
      responses: {
        '302': {
          description: "To the e-ID's authorization endpoint.",
          headers: { Location: { description: "The e-ID's authorization endpoint with the request.", schema: { type: 'string', format: 'uri' } } },
        },
      },
    }),
  },
  {
    method: 'get',
    path: '/v1/citizen/callback',
    caller: 'public',
    servedWhen: `${EXCHANGE}, and the national e-ID with its client secret`,
    operation: audited({
      operationId: 'citizenCallback',
      tags: ['citizen'],
      summary: "Where the e-ID sends the browser back: the citizen's dossiers, as a page",
      description:
        'Checks the state against the cookie, exchanges the code, checks the ID token against the nonce and renders the citizen’s dossiers on the server: no script, and no token reaches the browser.',
      parameters: [
        query('code', 'The authorization code from the e-ID.', { type: 'string' }, true),
        query('state', 'The state the login sent.', { type: 'string' }, true),
      ],
      responses: {
        '200': htmlAnswer("The citizen's dossiers and their steps (Vietnamese)."),
        '401': failure(['UNAUTHENTICATED'], 'a callback this browser did not start, or an e-ID answer that does not verify: start again from the login.'),
      },
    }),
  },
]
