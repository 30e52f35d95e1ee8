import type {
  ComponentsObject,
  HeaderObject,
  MediaTypeObject,
  OpenAPIObject,
  ParameterObject,
  PathItemObject,
  PathsObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from 'openapi3-ts/oas31'
import { PARTNER_WIRES, PUSH_COVERED, PUSH_SIGNATURE_ALG, PUSH_SIGNATURE_TAG, PUSH_SIGNATURE_TTL_S, type StepMessage } from '../../connectors/index.js'
import { codeToStatus, ErrorCode } from '../errors.js'
import { IDEMPOTENCY_KEY_HEADER, MAX_BLOB_BYTES, portalCode, STEP_MUTATIONS } from '../exchange/index.js'
import { RECEIPT_HEADER } from '../http/proofs.js'
import { ACCESS_TOKEN_TTL_S, CLIENT_ALGORITHMS, MAX_ASSERTION_LIFETIME_S, MAX_CONTEXT_LIFETIME_S } from '../identity/index.js'

const JWKS_PATH = '/.well-known/jwks.json'
const KEY_HISTORY_PATH = '/.well-known/lgsp-key-history.json'
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

export type OpenApiDocument = OpenAPIObject

/** A reference to one of the document's components. */
export const ref = (kind: 'schemas' | 'parameters' | 'headers' | 'responses', name: string): ReferenceObject => ({ $ref: `#/components/${kind}/${name}` })
/** A JSON body of this schema. */
export const json = (schema: SchemaObject | ReferenceObject): Record<string, MediaTypeObject> => ({ 'application/json': { schema } })
/** Names as Markdown code, comma-separated. */
export const quoted = (names: readonly string[]) => names.map((name) => `\`${name}\``).join(', ')

/** A dossier step as the gateway pushes it: typed, so it stays a message the code could send. */
const exampleMessage: StepMessage = {
  messageId: '0b6f4a52-8a4e-4f7e-9d59-3f1c2a7b9e10',
  dossier: 'G09.20-20261204-0000001',
  seq: 7,
  step: 'supplement',
  status: portalCode('PROCESSING'),
  statusName: 'PROCESSING',
  holder: 'so-tu-phap-ha-noi',
  agency: 'mot-cua-phuong-hong-ha',
  officer: 'can-bo-1',
  note: 'Bổ sung bản sao giấy khai sinh',
  at: '2026-12-07T02:15:00.000Z',
  procedure: '1.004227',
  channel: 2,
  applicant: '001085000101',
  commune: '00097',
  receivingAgency: 'mot-cua-phuong-hong-ha',
  handlingAgency: 'so-tu-phap-ha-noi',
  receivedAt: '2026-12-04T01:30:00.000Z',
  dueAt: '2026-12-14T00:00:00.000Z',
  finishedAt: null,
  version: 7,
  parts: [
    { name: 'Giấy khai sinh (bản sao)', copyType: 1, mediaType: 'application/pdf', size: 184_320, sha256: 'a'.repeat(64), signature: { status: 'UNSIGNED' } },
  ],
}

/** `created` of the examples (2026-12-07T02:15:00Z): the rest of a signature follows from the constants. */
const EXAMPLE_CREATED = 1_796_609_700
const exampleSignatureInput = `lgsp=(${PUSH_COVERED.map((name) => `"${name}"`).join(' ')});created=${EXAMPLE_CREATED};expires=${EXAMPLE_CREATED + PUSH_SIGNATURE_TTL_S};keyid="gw-2026-12";alg="${PUSH_SIGNATURE_ALG}";tag="${PUSH_SIGNATURE_TAG}"`

/** The receiver side: what a partner system serves so the gateway can push dossier steps to it. */
function pushWebhook(): PathItemObject {
  const vendorWires = Object.keys(PARTNER_WIRES).filter((name) => name !== 'canonical' && name !== 'portal')
  const header = (name: string, description: string, schema: SchemaObject, example: string): ParameterObject => ({
    name,
    in: 'header',
    required: true,
    description,
    schema,
    example,
  })
  return {
    post: {
      operationId: 'receiveDossierStep',
      tags: ['push'],
      summary: 'Receive a dossier step (served by the partner system)',
      description: [
        'The gateway POSTs each dossier step a partner system must hear of to the endpoint registered for it, in this canonical wire: the body is',
        'the step message, signed. Messages of one dossier arrive in `seq` order; a message may arrive more than once. Redirects are not followed.',
        `Vendor-specific wires (${vendorWires.join(', ')}) are not described here (the gateway's sandboxes play them); the national portal has its own published shapes.`,
        '',
        '**Check first** (RFC 9421 over RFC 9530): the body against `Content-Digest`; then the signature labelled `lgsp` in `Signature-Input` /',
        `\`Signature\`: it must cover ${quoted(PUSH_COVERED)}, carry \`created\`, \`expires\` (\`created\` + ${PUSH_SIGNATURE_TTL_S} s: a retry is signed again),`,
        `\`keyid\`, \`alg="${PUSH_SIGNATURE_ALG}"\` and \`tag="${PUSH_SIGNATURE_TAG}"\`, and verify under the ES256 key of that \`kid\` in the gateway's`,
        `\`${JWKS_PATH}\` (every key ever used, with its period: \`${KEY_HISTORY_PATH}\`). Fetch the JWKS again when a \`kid\` is unknown.`,
        '',
        '**Deduplicate** on `Idempotency-Key` (the `messageId`): a redelivery of a message already applied must be acknowledged again (2xx) and change nothing.',
        '',
        '**Answer** by HTTP status, as the gateway reads it: 2xx acknowledges; 401 refuses the signature (retried: the gateway may have rotated its',
        'keys ahead of your copy); any other 4xx except 408 and 429 refuses the payload for good (a dead letter at once, the start of your body kept',
        'as the reason); 408, 429, 5xx, no answer within the delivery deadline or a refused connection are retried with exponential backoff.',
      ].join('\n'),
      security: [],
      parameters: [
        header(
          'Idempotency-Key',
          'The message id (`messageId` of the body) as an RFC 8941 String: the UUID in double quotes. Deduplicate on it.',
          { type: 'string', pattern: '^"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"$' },
          `"${exampleMessage.messageId}"`,
        ),
        header(
          'Content-Digest',
          'RFC 9530: the SHA-256 of the body, `sha-256=:<base64>:`.',
          { type: 'string', pattern: '^sha-256=:[A-Za-z0-9+/]{43}=:$' },
          'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:',
        ),
        header(
          'Signature-Input',
          `RFC 9421: the label \`lgsp\`, the covered components ${quoted(PUSH_COVERED)} and the parameters \`created\`, \`expires\`, \`keyid\`, \`alg\`, \`tag\`.`,
          { type: 'string' },
          exampleSignatureInput,
        ),
        header(
          'Signature',
          'RFC 9421: `lgsp=:<base64 of the ECDSA P-256 signature r‖s>:`.',
          { type: 'string', pattern: '^lgsp=:[A-Za-z0-9+/]+={0,2}:$' },
          'lgsp=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==:',
        ),
      ],
      requestBody: {
        required: true,
        description: `The step message (\`Content-Type: ${PARTNER_WIRES.canonical.contentType}\`).`,
        content: { [PARTNER_WIRES.canonical.contentType]: { schema: ref('schemas', 'StepMessage'), example: exampleMessage } },
      },
      responses: {
        '2XX': { description: 'Acknowledged: the message is applied, or was already (a redelivery). The body is not read.' },
        '401': { description: 'The signature is refused. Retried with backoff: the gateway may sign with a key your copy of its JWKS does not hold yet.' },
        '408': { description: 'Retried with backoff.' },
        '429': { description: 'Retried with backoff.' },
        '4XX': {
          description: 'The payload is refused for good: a dead letter at once, for an operator to look at. The start of the body (300 characters) is kept.',
        },
        '5XX': { description: 'Retried with backoff, as is no answer within the delivery deadline.' },
      },
      'x-lgsp-signature': {
        label: 'lgsp',
        covered: [...PUSH_COVERED],
        params: ['created', 'expires', 'keyid', 'alg', 'tag'],
        alg: PUSH_SIGNATURE_ALG,
        tag: PUSH_SIGNATURE_TAG,
        ttlSeconds: PUSH_SIGNATURE_TTL_S,
        keys: [JWKS_PATH, KEY_HISTORY_PATH],
      },
    },
  }
}

/** The closed set of error codes with each one's HTTP status, generated from the code. */
function errorCodeSchema(): SchemaObject {
  const table = ErrorCode.options.map((code) => `| \`${code}\` | ${codeToStatus[code]} |`)
  return {
    type: 'string',
    enum: [...ErrorCode.options],
    description: [
      'The closed set of error codes a client can rely on, with the HTTP status each has outside GraphQL.',
      '',
      '| code | HTTP status |',
      '|---|---|',
      ...table,
    ].join('\n'),
    'x-lgsp-http-status': { ...codeToStatus },
  }
}

/** GraphQL refusals by HTTP status: which codes answer with which status when a whole request is refused. */
function graphqlRefusals(): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of ErrorCode.options) byStatus.set(codeToStatus[code], [...(byStatus.get(codeToStatus[code]) ?? []), code])
  const answers: Record<string, ResponseObject> = {}
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    answers[String(status)] = {
      description: `Refused as a whole: ${quoted(codes)}.`,
      headers: { 'X-Request-Id': ref('headers', 'XRequestId'), ...(status === 429 || status === 503 ? { 'Retry-After': ref('headers', 'RetryAfter') } : {}) },
      content: json({ anyOf: [ref('schemas', 'GraphQLResponse'), ref('schemas', 'ErrorBody')] }),
    }
  }
  return answers
}

/** An answer in the gateway's error contract (`ErrorBody`), with the request id. */
export const gatewayError = (description: string): ResponseObject => ({
  description,
  headers: { 'X-Request-Id': ref('headers', 'XRequestId') },
  content: json(ref('schemas', 'ErrorBody')),
})

/**
 * What a partner system may call on the gateway, as path items. The gateway's own REST document
 * (`gateway/discovery`) takes these same operations, so both say one thing of one route.
 */
export function gatewayPaths(): PathsObject {
  const oauthError = (description: string): ResponseObject => ({ description, content: json(ref('schemas', 'OAuthError')) })
  const publicJson = (operationId: string, summary: string, schema: ReferenceObject): PathItemObject => ({
    get: { operationId, tags: ['identity'], summary, security: [], responses: { '200': { description: 'Cached for 60 s.', content: json(schema) } } },
  })
  const sha256: ParameterObject = {
    name: 'sha256',
    in: 'path',
    required: true,
    description: 'The SHA-256 of the bytes, 64 lower-case hex digits.',
    schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  }
  return {
    '/oauth/token': {
      post: {
        operationId: 'issueToken',
        tags: ['identity'],
        summary: 'An access token for a registered client (client credentials, private_key_jwt)',
        description: [
          `RFC 7523: the client proves itself with an assertion signed by its registered key (${CLIENT_ALGORITHMS.join(' or ')}), \`iss\` = \`sub\` = its client id,`,
          `\`aud\` = this endpoint's URL or the gateway's issuer, a \`jti\` used once, \`exp\` at most ${MAX_ASSERTION_LIFETIME_S} s after \`iat\`.`,
          'No client secret is accepted. Errors are in the RFC 6749 shape, with the request id.',
        ].join(' '),
        security: [],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                required: ['grant_type', 'client_assertion_type', 'client_assertion'],
                properties: {
                  grant_type: { const: 'client_credentials' },
                  client_assertion_type: { const: JWT_BEARER },
                  client_assertion: { type: 'string', description: 'The signed JWT.' },
                  client_id: { type: 'string', description: 'Optional; must match the assertion.' },
                },
              },
            },
          },
        },
        responses: {
          '200': { description: 'Issued.', content: json(ref('schemas', 'TokenResponse')) },
          '400': oauthError('`invalid_request`, `invalid_grant` or `unsupported_grant_type`.'),
          '401': oauthError('`invalid_client` (with `WWW-Authenticate`).'),
          '429': oauthError('`temporarily_unavailable`: too many attempts (with `Retry-After`).'),
          '503': oauthError('`temporarily_unavailable`: try again shortly.'),
        },
      },
    },
    [JWKS_PATH]: publicJson('jwks', "The gateway's public keys (tokens, push and response signatures, receipts)", ref('schemas', 'JwkSet')),
    [KEY_HISTORY_PATH]: publicJson('keyHistory', 'Every key the gateway ever signed with, with the period it signed in', ref('schemas', 'KeyHistory')),
    '/graphql': {
      post: {
        operationId: 'graphql',
        tags: ['graphql'],
        summary: 'Queries and the dossier exchange',
        description: [
          'One GraphQL endpoint (the SDL is `schema.graphql` of this contract). The dossier steps are mutations:',
          `${quoted(Object.keys(STEP_MUTATIONS))}; each needs \`${IDEMPOTENCY_KEY_HEADER}\` and takes one step per request.`,
          'Each step should name `expectedVersion`, the version of the dossier it was decided on: a step decided on a stale dossier is refused (`VERSION_CONFLICT`) instead of applied.',
          'A 429 or 503 carries `Retry-After` (seconds): send the same step again no sooner, under the same Idempotency-Key.',
          'A system registered to poll rather than be pushed to reads `dossierInbox` and confirms with `acknowledgeDossierMessages` (acknowledging twice changes nothing).',
          'A field refused inside an answer is in `errors[].extensions.code` with status 200.',
        ].join(' '),
        parameters: [
          ref('parameters', 'XPurpose'),
          ref('parameters', 'XEndUser'),
          ref('parameters', 'XCaseId'),
          ref('parameters', 'XRequestContext'),
          ref('parameters', 'IdempotencyKey'),
          ref('parameters', 'Prefer'),
          ref('parameters', 'AcceptSignature'),
        ],
        requestBody: { required: true, content: json(ref('schemas', 'GraphQLRequest')) },
        responses: {
          '200': {
            description: 'The GraphQL answer (a refused field in `errors`).',
            headers: {
              'X-Request-Id': ref('headers', 'XRequestId'),
              [RECEIPT_HEADER]: ref('headers', 'Receipt'),
              'Content-Digest': ref('headers', 'ContentDigest'),
              'Signature-Input': ref('headers', 'SignatureInput'),
              Signature: ref('headers', 'Signature'),
            },
            content: json(ref('schemas', 'GraphQLResponse')),
          },
          ...graphqlRefusals(),
          '406': gatewayError('`BAD_USER_INPUT`: the request accepts no JSON answer.'),
          '415': gatewayError('`BAD_USER_INPUT`: send GraphQL requests as `application/json`.'),
        },
      },
    },
    '/v1/blobs/{sha256}': {
      parameters: [sha256],
      put: {
        operationId: 'putPart',
        tags: ['parts'],
        summary: "Store a document part's bytes before naming it in a step",
        description: `The bytes are checked against the hash in the path before anything is stored; the same bytes are kept once. At most ${MAX_BLOB_BYTES} bytes. Only an agency registered for the exchange may store parts.`,
        requestBody: {
          required: true,
          description: "The part's bytes; `Content-Type` is its media type, lower case, without parameters (`application/pdf`).",
          content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
        },
        responses: {
          '201': { description: 'Stored (or already stored).', content: json(ref('schemas', 'StoredPart')) },
          '400': gatewayError('`BAD_USER_INPUT`: the path is not a SHA-256, or the bytes do not match it.'),
          '401': gatewayError('`UNAUTHENTICATED`.'),
          '403': gatewayError('`FORBIDDEN`: the agency is not registered for the exchange.'),
          '413': gatewayError(`\`PAYLOAD_TOO_LARGE\`: over ${MAX_BLOB_BYTES} bytes.`),
          '415': gatewayError('`BAD_USER_INPUT`: no media type, or one with parameters or capitals.'),
          '429': {
            ...gatewayError('`RATE_LIMITED`: send again no sooner than `Retry-After`.'),
            headers: { 'X-Request-Id': ref('headers', 'XRequestId'), 'Retry-After': ref('headers', 'RetryAfter') },
          },
        },
      },
      get: {
        operationId: 'getPart',
        tags: ['parts'],
        summary: "A document part's bytes",
        description: 'Only for an agency that is a party to a dossier naming the part; any other gets 404, as for a missing part.',
        responses: {
          '200': {
            description: 'The bytes, with their media type as `Content-Type`.',
            content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
          },
          '401': gatewayError('`UNAUTHENTICATED`.'),
          '404': gatewayError('`NOT_FOUND`.'),
        },
      },
    },
    '/v1/contract': {
      get: {
        operationId: 'contractIndex',
        tags: ['contract'],
        summary: 'This contract: its version and its documents',
        security: [],
        responses: { '200': { description: 'Cached for 300 s.', content: json(ref('schemas', 'ContractIndex')) } },
      },
    },
    '/v1/contract/{name}': {
      get: {
        operationId: 'contractDocument',
        tags: ['contract'],
        summary: 'One document of the contract, with its media type',
        security: [],
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' }, example: 'partner-openapi.json' }],
        responses: { '200': { description: 'Cached for 300 s.', content: { '*/*': {} } }, '404': gatewayError('`NOT_FOUND`: no document of that name.') },
      },
    },
  }
}

/**
 * The components of the gateway's HTTP API that both published documents use: the bearer token,
 * the request headers, the answer headers and the schemas (the error contract among them).
 */
export function apiComponents(): ComponentsObject {
  const header = (name: string, description: string, extra: Partial<ParameterObject> = {}): ParameterObject => ({
    name,
    in: 'header',
    required: false,
    description,
    schema: { type: 'string' },
    ...extra,
  })
  const text = (description: string): HeaderObject => ({ description, schema: { type: 'string' } })
  return {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: `An ES256 access token from \`POST /oauth/token\`, valid ${ACCESS_TOKEN_TTL_S} s.`,
      },
    },
    parameters: {
      XPurpose: header('X-Purpose', 'The purpose code of the request; the policy refuses a request without one its grants allow (`PURPOSE_REQUIRED`).', {
        required: true,
        example: 'GIAI_QUYET_TTHC',
      }),
      XEndUser: header(
        'X-End-User',
        'The officer acting, recorded as the step’s `officer`; the exchange grants of an agency usually require it on every dossier step.',
        { example: 'can-bo-1' },
      ),
      XCaseId: header('X-Case-Id', 'The dossier or case reference, where a grant requires one.'),
      XRequestContext: header(
        'X-Request-Context',
        `The same claims signed by the client’s key (a compact JWS, single use, at most ${MAX_CONTEXT_LIFETIME_S} s), where a grant requires it.`,
      ),
      IdempotencyKey: header(
        IDEMPOTENCY_KEY_HEADER,
        'Required on every dossier step mutation: an RFC 8941 String (quoted). The same key with the same request answers the first answer again; with another request, `IDEMPOTENCY_CONFLICT`.',
        {
          example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"',
        },
      ),
      Prefer: header('Prefer', `\`receipt\` (RFC 7240): the answer carries a signed receipt in \`extensions.receipt\` and the \`${RECEIPT_HEADER}\` header.`, {
        example: 'receipt',
      }),
      AcceptSignature: header(
        'Accept-Signature',
        'Present: the answer is signed (RFC 9421 over RFC 9530 `Content-Digest`), verifiable under the gateway’s key history.',
        {
          example: 'lgsp',
        },
      ),
    },
    headers: {
      XRequestId: text('The request’s id: quote it to the operator.'),
      RetryAfter: { description: 'Seconds to wait before sending the same request again (RFC 9110).', schema: { type: 'string', pattern: '^[0-9]+$' } },
      Receipt: text('A compact JWS (ES256) binding the request, the answer, the audit event and the policy version (with `Prefer: receipt`).'),
      ContentDigest: text('RFC 9530, with `Accept-Signature`.'),
      SignatureInput: text('RFC 9421, with `Accept-Signature`: label `lgsp`, over `@status`, `content-digest`, `x-request-id`.'),
      Signature: text('RFC 9421, with `Accept-Signature`.'),
    },
    schemas: {
      ErrorCode: errorCodeSchema(),
      ErrorBody: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message', 'requestId'],
            properties: { code: ref('schemas', 'ErrorCode'), message: { type: 'string' }, requestId: { type: 'string' } },
          },
        },
      },
      OAuthError: {
        type: 'object',
        required: ['error', 'error_description', 'request_id'],
        properties: {
          error: { type: 'string', enum: ['invalid_request', 'invalid_client', 'invalid_grant', 'unsupported_grant_type', 'temporarily_unavailable'] },
          error_description: { type: 'string' },
          request_id: { type: 'string' },
        },
      },
      TokenResponse: {
        type: 'object',
        required: ['access_token', 'token_type', 'expires_in'],
        properties: { access_token: { type: 'string' }, token_type: { const: 'Bearer' }, expires_in: { type: 'integer', example: ACCESS_TOKEN_TTL_S } },
      },
      JwkSet: { type: 'object', required: ['keys'], properties: { keys: { type: 'array', items: { type: 'object', required: ['kty', 'kid'] } } } },
      KeyHistory: {
        type: 'object',
        required: ['keys'],
        properties: {
          keys: {
            type: 'array',
            description: 'Newest first.',
            items: {
              type: 'object',
              required: ['kty', 'kid', 'retired_at'],
              properties: { activated_at: { type: 'string', format: 'date-time' }, retired_at: { type: ['string', 'null'], format: 'date-time' } },
            },
          },
        },
      },
      GraphQLRequest: {
        type: 'object',
        required: ['query'],
        properties: { query: { type: 'string' }, variables: { type: 'object' }, operationName: { type: 'string' } },
      },
      GraphQLResponse: {
        type: 'object',
        properties: {
          data: { type: ['object', 'null'] },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              required: ['message'],
              properties: {
                message: { type: 'string' },
                path: { type: 'array', items: { type: ['string', 'integer'] } },
                extensions: {
                  type: 'object',
                  properties: {
                    code: ref('schemas', 'ErrorCode'),
                    origin: { enum: ['caller', 'gateway', 'upstream'] },
                    reason: { type: 'string' },
                    requestId: { type: 'string' },
                  },
                },
              },
            },
          },
          extensions: { type: 'object', properties: { receipt: { type: 'string', description: 'With `Prefer: receipt`.' } } },
        },
      },
      StoredPart: {
        type: 'object',
        required: ['sha256', 'size', 'mediaType'],
        properties: {
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          size: { type: 'integer', minimum: 0, maximum: MAX_BLOB_BYTES },
          mediaType: { type: 'string' },
        },
      },
      ContractIndex: {
        type: 'object',
        required: ['version', 'documents'],
        properties: {
          version: { type: 'string' },
          documents: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'mediaType', 'url'],
              properties: { name: { type: 'string' }, mediaType: { type: 'string' }, url: { type: 'string', format: 'uri-reference' } },
            },
          },
        },
      },
    },
  }
}

function components(stepMessage: SchemaObject): ComponentsObject {
  const shared = apiComponents()
  return { ...shared, schemas: { StepMessage: stepMessage, ...shared.schemas } }
}

/**
 * The OpenAPI 3.1 document of what a partner system serves (the push, as a webhook) and what it
 * may call on the gateway, built from the constants and schemas the gateway enforces. The step
 * message's JSON Schema comes in whole from the one place that makes it, so both published
 * documents say the same thing.
 */
export function partnerOpenApi(contract: { version: string; stepMessage: SchemaObject }): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'LGSP Gateway: partner contract',
      version: contract.version,
      description: [
        'Hợp đồng tích hợp LGSP.',
        '',
        'What a partner system (a one-stop desk, a department system, the national portal) serves so the gateway can push dossier steps to it',
        '(`webhooks`), and what it may call on the gateway (`paths`). Generated from the gateway’s code; the same contract publishes the GraphQL',
        'SDL and the step message’s JSON Schema (`GET /v1/contract`).',
      ].join('\n'),
    },
    servers: [
      {
        url: '{gateway}',
        description: 'The gateway',
        variables: { gateway: { default: 'https://lgsp.example.gov.vn', description: "The gateway's base URL" } },
      },
    ],
    security: [{ bearer: [] }],
    tags: [
      { name: 'push', description: 'Served by the partner system' },
      { name: 'identity', description: 'Tokens and keys' },
      { name: 'graphql', description: 'Queries and the dossier exchange' },
      { name: 'parts', description: 'Document parts by their SHA-256' },
      { name: 'contract', description: 'This contract, served' },
    ],
    webhooks: { dossierStep: pushWebhook() },
    paths: gatewayPaths(),
    components: components(contract.stepMessage),
  }
}
