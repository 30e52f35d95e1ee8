import { z } from 'zod'

/** A national procedure code (mã TTHC, `N.NNNNNN`), optionally localised with an agency's suffix. */
export const procedureCode = z.string().regex(/^\d\.\d{6}(?:\.[0-9A-Z]{1,6}){0,6}$/, 'a procedure code such as 1.004227 or 1.004227.000.00.00.H26')

const mediaType = z.string().regex(/^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/, 'a media type in lower case: type/subtype')

/**
 * `policies/procedures.yaml`: the administrative procedures dossiers may be exchanged for, with
 * the limits on their document parts. A dossier for a procedure outside the catalogue is refused.
 */
export const procedureSchema = z
  .object({
    code: procedureCode,
    name: z.string().min(1).max(300),
    /** Calendar days from intake to the result, when the procedure sets a deadline. */
    dueDays: z.number().int().min(1).max(365).optional(),
    parts: z
      .object({
        /** Largest part in bytes (at most the exchange's 10 MB). */
        maxBytes: z
          .number()
          .int()
          .min(1)
          .max(10 * 1024 * 1024)
          .default(10 * 1024 * 1024),
        mediaTypes: z.array(mediaType).min(1).max(50).default(['application/pdf']),
        /** Most parts one step may add. */
        maxCount: z.number().int().min(1).max(200).default(50),
        /**
         * Every part must carry a valid signature (a signed PDF, or a detached CMS signature)
         * under the province's trust list: any other status refuses the step (SIGNATURE_REQUIRED).
         */
        requireSignature: z.boolean().optional(),
      })
      .strict()
      .default({ maxBytes: 10 * 1024 * 1024, mediaTypes: ['application/pdf'], maxCount: 50 }),
  })
  .strict()
export type Procedure = z.infer<typeof procedureSchema>

export const proceduresDocumentSchema = z.object({ procedures: z.array(procedureSchema).max(5000) }).strict()

/**
 * How an agency's own system hears of the dossiers it must act on: pushed to its endpoint (the
 * gateway signs each message), or read from its inbox (`dossierInbox`) and acknowledged.
 * `sandbox:<name>` names a built-in sandbox system, outside production only.
 */
export const exchangeEndpointSchema = z
  .object({
    delivery: z.enum(['push', 'inbox']),
    endpoint: z.union([z.url({ protocol: /^https?$/ }), z.string().regex(/^sandbox:[a-z0-9-]{1,40}$/, 'sandbox:<name>')]).optional(),
    /** The wire style of the receiving system: the canonical JSON, or a sandbox vendor's. */
    wire: z.enum(['canonical', 'igate', 'opencps', 'soap']).default('canonical'),
    /**
     * The agency's clients get tokens only once a green conformance report under the contract in
     * force is recorded for it (`lgsp conformance record`): a new vendor's system is connected
     * after it has shown it keeps the contract.
     */
    requireConformance: z.boolean().optional(),
  })
  .strict()
  .refine((exchange) => exchange.delivery === 'inbox' || exchange.endpoint !== undefined, { message: 'push delivery needs an endpoint' })
export type ExchangeEndpoint = z.infer<typeof exchangeEndpointSchema>
