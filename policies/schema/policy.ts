import { z } from 'zod'
import { agencyIdentitySchema } from './agency.js'
import { className, fieldCoordinate, grantSchema, limitsSchema } from './grant.js'
import { exchangeEndpointSchema } from './procedure.js'

/**
 * Trusted documents (persisted operations): the operations an agency's systems send, by id. In
 * `enforce` mode the agency may send only these (`documentId`, or Apollo's
 * `extensions.persistedQuery.sha256Hash` of the text): a stolen token cannot run an arbitrary
 * query. `off` (the default) accepts both.
 */
export const trustedDocumentsSchema = z
  .object({
    mode: z.enum(['off', 'enforce']).default('off'),
    documents: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and dashes'), z.string().min(1).max(20_000)).default({}),
  })
  .strict()

/**
 * A whole agency document: identity, limits and grants. Strict: an unknown key is a
 * typo, and a typo in a deny-by-default policy is a permission silently not given (or worse,
 * a restriction silently not applied), so it is an error.
 */
export const agencyDocumentSchema = agencyIdentitySchema
  .extend({
    limits: limitsSchema.optional(),
    /**
     * Further data classes, or further fields of a canonical one: fields this agency's policy
     * treats as one identifier wherever they appear (`personName: [PersonName.full, LandHolder.name]`).
     */
    classes: z.record(className, z.array(fieldCoordinate).min(1).max(200)).optional(),
    grants: z.array(grantSchema).max(200).default([]),
    trustedDocuments: trustedDocumentsSchema.optional(),
    /** Every answer to the agency signed (Content-Digest + HTTP Message Signature), whether or not it asks. */
    signResponses: z.boolean().optional(),
    /** Where the agency's system receives the dossiers it must act on (absent: it takes part in no exchange). */
    exchange: exchangeEndpointSchema.optional(),
  })
  .strict()
  .superRefine((agency, ctx) => {
    const seen = new Set<string>()
    for (const [index, grant] of agency.grants.entries()) {
      if (seen.has(grant.id)) ctx.addIssue({ code: 'custom', path: ['grants', index, 'id'], message: `grant ${grant.id} is defined twice` })
      seen.add(grant.id)
    }
  })
export type AgencyDocument = z.infer<typeof agencyDocumentSchema>
