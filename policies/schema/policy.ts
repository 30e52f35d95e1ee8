import { z } from 'zod'
import { agencyIdentitySchema } from './agency.js'
import { grantSchema, limitsSchema } from './grant.js'

/**
 * A whole agency document (DESIGN §5): identity, limits and grants. Strict: an unknown key is a
 * typo, and a typo in a deny-by-default policy is a permission silently not given (or worse,
 * a restriction silently not applied), so it is an error.
 */
export const agencyDocumentSchema = agencyIdentitySchema
  .extend({
    limits: limitsSchema.optional(),
    grants: z.array(grantSchema).max(200).default([]),
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
