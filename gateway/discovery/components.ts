import type { ComponentsObject, SchemaObject } from 'openapi3-ts/oas31'
import { z } from 'zod'
import { stepNameSchema } from '../../connectors/index.js'
import { auditEventSchema } from '../audit/index.js'
import { apiComponents, ref } from '../contract/index.js'
import { DOSSIER_STATUSES } from '../exchange/index.js'
import { authorizationServerMetadata } from '../identity/token-endpoint.js'

const string: SchemaObject = { type: 'string' }
const nullableString: SchemaObject = { type: ['string', 'null'] }
const dateTime: SchemaObject = { type: 'string', format: 'date-time' }
const object = (properties: Record<string, SchemaObject | ReturnType<typeof ref>>, optional: readonly string[] = []): SchemaObject => ({
  type: 'object',
  required: Object.keys(properties).filter((name) => !optional.includes(name)),
  properties,
})

/**
 * RFC 8414 metadata: the URLs are this gateway's, every other member is what the token endpoint
 * publishes, taken from the same function.
 */
function authorizationServerMetadataSchema(): SchemaObject {
  const published = authorizationServerMetadata('https://lgsp.example.gov.vn')
  const uri: SchemaObject = { type: 'string', format: 'uri' }
  const properties: Record<string, SchemaObject> = {}
  for (const [name, value] of Object.entries(published)) properties[name] = typeof value === 'string' ? uri : { type: 'array', items: string, const: value }
  return { ...object(properties), description: 'What `/.well-known/oauth-authorization-server` publishes (RFC 8414).' }
}

function dossierStatusSchema(): SchemaObject {
  const status: SchemaObject = { type: 'string', enum: DOSSIER_STATUSES.map((entry) => entry.name) }
  return object({
    code: string,
    procedure: string,
    status,
    statusCode: { type: 'integer', enum: DOSSIER_STATUSES.map((entry) => entry.code), description: "The national portal's status code (1–10)." },
    statusName: { type: 'string', description: "The portal's Vietnamese name of the status." },
    receivedAt: dateTime,
    dueAt: { type: ['string', 'null'], format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
    steps: {
      type: 'array',
      items: object({
        seq: { type: 'integer', minimum: 1 },
        step: { type: 'string', enum: [...stepNameSchema.options] },
        at: dateTime,
        status,
        statusName: string,
        agency: { type: 'string', description: 'The agency that took the step.' },
      }),
    },
  })
}

/**
 * The components of the gateway's own REST document: the partner contract's (the agency bearer
 * token, the request and answer headers, the error contract, the token, key and GraphQL schemas)
 * with what only the gateway's own routes answer, and the other callers' tokens.
 */
export function gatewayComponents(): ComponentsObject {
  const shared = apiComponents()
  const bearer = (description: string) => ({ type: 'http' as const, scheme: 'bearer', bearerFormat: 'JWT', description })
  return {
    ...shared,
    securitySchemes: {
      ...shared.securitySchemes,
      citizen: bearer(
        "A citizen's token: the national e-ID's ID token (audience the gateway, an accepted assurance level, a 12-digit PIN claim), or outside production the sandbox citizen token (`npx lgsp token --citizen <PIN>`).",
      ),
      staff: bearer('A staff token (`npx lgsp token --auditor <name>`, 1 h); people use the console’s accounts instead.'),
      metrics: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when it is set (required in production off loopback).' },
    },
    schemas: {
      ...shared.schemas,
      AuthorizationServerMetadata: authorizationServerMetadataSchema(),
      Health: object({ status: { const: 'ok' } }),
      Readiness: object(
        {
          status: { type: 'string', enum: ['ok', 'degraded', 'unavailable'] },
          rateLimiter: object({ kind: string, degraded: { type: 'boolean' } }),
          checks: {
            type: 'object',
            description: 'Per dependency (`shared-store:redis`, `registry:population`, `database` …).',
            additionalProperties: object(
              {
                critical: { type: 'boolean' },
                ok: { type: 'boolean' },
                latencyMs: { type: 'integer', minimum: 0 },
                detail: { type: 'string', enum: ['timeout', 'unavailable'] },
              },
              ['latencyMs', 'detail'],
            ),
          },
        },
        ['rateLimiter'],
      ),
      AccessHistoryPage: object(
        {
          entries: {
            type: 'array',
            items: object({
              at: dateTime,
              agency: nullableString,
              agencyName: nullableString,
              purpose: nullableString,
              purposeName: nullableString,
              legalBasis: nullableString,
              fields: { type: 'array', items: string, description: 'The coordinates read (`Citizen.name` …).' },
              requestId: string,
            }),
          },
          nextCursor: { type: 'string', description: 'Absent on the last page.' },
        },
        ['nextCursor'],
      ),
      DossierStatus: dossierStatusSchema(),
      MyDossiers: object({ dossiers: { type: 'array', items: ref('schemas', 'DossierStatus') } }),
      AuditEvent: {
        ...(z.toJSONSchema(auditEventSchema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' }) as SchemaObject),
        description: 'One audit event, as it is chained: never a raw identifier (subjects are keyed hashes), a token or a payload.',
      },
      AuditPage: object({ events: { type: 'array', items: ref('schemas', 'AuditEvent') }, nextCursor: { type: 'string' } }, ['nextCursor']),
      ProbingSuspects: object({
        since: dateTime,
        suspects: {
          type: 'array',
          items: object({
            agency: string,
            subject: { type: 'string', description: "The subject's keyed hash." },
            events: { type: 'integer', minimum: 1 },
            first: dateTime,
            last: dateTime,
            endUsers: { type: 'array', items: string },
          }),
        },
      }),
    },
  }
}
