import type { ParameterObject, SchemaObject } from 'openapi3-ts/oas31'
import { z } from 'zod'
import { auditQuerySchema } from '../audit/index.js'
import type { RouteDoc } from './route-doc.js'
import { audited, failure, jsonAnswer } from './route-doc.js'

const AUDIT_STORE = 'the audit trail is readable (the Node entry always wires it)'

/** The search's filters as query parameters, from the zod schema the route parses them with. */
function auditFilters(): ParameterObject[] {
  const { properties = {} } = z.toJSONSchema(auditQuerySchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as SchemaObject
  const described: Record<string, string> = {
    subject: 'A 12-digit PIN or a 10/13-digit tax code: hashed with the trail’s key before the search, never stored or logged as given.',
    subjectHash: 'A subject as the trail’s keyed hash.',
    cursor: '`nextCursor` of the page before.',
  }
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    ...(described[name] ? { description: described[name] } : {}),
    schema,
  }))
}

const staffRefusals = () => ({
  '401': failure(['UNAUTHENTICATED'], 'no staff token, or one that does not verify (with `WWW-Authenticate`).'),
  '403': failure(['FORBIDDEN'], 'the token is an operator’s: only auditors read the trail (separation of duties).'),
})

/** The auditors' APIs under `/admin/api` (the operator commands' are in admin-ops-docs.ts). */
export const ADMIN_ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/admin/api/audit',
    caller: 'staff',
    servedWhen: AUDIT_STORE,
    operation: audited({
      operationId: 'searchAudit',
      tags: ['admin'],
      summary: 'Search the audit trail (auditors)',
      description:
        'Every filter is optional; events come newest first, a page at a time. The search is itself an audit event (`audit.searched`) holding its filters, a subject only as its keyed hash. Unknown filters are refused.',
      parameters: auditFilters(),
      responses: {
        '200': jsonAnswer('A page of events.', 'AuditPage'),
        '400': failure(['BAD_USER_INPUT'], 'an unknown filter, a value out of its range, or a cursor this API did not return.'),
        ...staffRefusals(),
      },
    }),
  },
  {
    method: 'get',
    path: '/admin/api/audit/probing',
    caller: 'staff',
    servedWhen: AUDIT_STORE,
    operation: audited({
      operationId: 'suspectedProbing',
      tags: ['admin'],
      summary: 'Subjects flagged for probing in the last 7 days (auditors)',
      description:
        'Per agency, each subject its verifications probed (`VERIFICATION_PROBING`: repeated non-matching verifications of one subject), as the keyed hash, with the flagged events and the officers named. Audited (`audit.searched`).',
      responses: { '200': jsonAnswer('The suspects, most recent first.', 'ProbingSuspects'), ...staffRefusals() },
    }),
  },
]
