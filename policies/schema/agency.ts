import { z } from 'zod'

/** A stable id: lower-case words joined by `-` (agency and client ids appear in tokens and audit). */
export const stableId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case letters, digits and single dashes')
  .max(64)

const publicJwk = z
  .object({
    kty: z.enum(['EC', 'OKP']),
    crv: z.enum(['P-256', 'Ed25519']),
    kid: z.string().min(1).max(128),
    x: z.string().min(1),
    y: z.string().min(1).optional(),
    alg: z.enum(['ES256', 'EdDSA', 'Ed25519']).optional(),
    use: z.literal('sig').optional(),
  })
  .strict()
  .refine((jwk) => (jwk.kty === 'EC') === (jwk.crv === 'P-256'), 'EC keys are P-256, OKP keys are Ed25519')
  .refine((jwk) => jwk.kty !== 'EC' || jwk.y !== undefined, 'an EC key needs y')

/**
 * A system acting for an agency. It proves itself with a private key whose public half is here
 * (`jwks`), published by the agency (`jwksUri`, https only), or — in development only — generated
 * on first start into the data directory (`dev: true`; production refuses to start with one).
 */
export const clientSchema = z
  .object({
    id: stableId,
    name: z.string().min(1).max(200).optional(),
    suspended: z.boolean().default(false),
    jwks: z
      .object({ keys: z.array(publicJwk).min(1).max(10) })
      .strict()
      .optional(),
    jwksUri: z.url({ protocol: /^https$/ }).optional(),
    dev: z.boolean().default(false),
  })
  .strict()
  .refine((client) => [client.jwks, client.jwksUri, client.dev || undefined].filter(Boolean).length === 1, {
    message: 'give exactly one of jwks, jwksUri or dev: true',
  })

export const jurisdictionSchema = z
  .object({
    provinces: z.array(z.string().regex(/^\d{2}$/)).default([]),
    communes: z.array(z.string().regex(/^\d{5}$/)).default([]),
  })
  .strict()

/**
 * The identity part of an agency's policy document: who the agency is, where it has
 * jurisdiction, and which client systems act for it. Grants, limits and masks are read by the
 * policy capability; this schema passes them through untouched.
 */
export const agencyIdentitySchema = z
  .object({
    agency: stableId,
    name: z.string().min(1).max(300),
    kind: z.string().min(1).max(64).optional(),
    suspended: z.boolean().default(false),
    jurisdiction: jurisdictionSchema.default({ provinces: [], communes: [] }),
    clients: z.array(clientSchema).max(50).default([]),
  })
  .loose()

export type ClientDocument = z.infer<typeof clientSchema>
export type AgencyIdentity = z.infer<typeof agencyIdentitySchema>
