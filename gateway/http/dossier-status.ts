import { Hono } from 'hono'
import type { KeyedHash } from '../../policies/index.js'
import type { GatewayEnv } from '../env.js'
import { errorResponse } from '../errors.js'
import { portalCode, receiptMatches, vietnameseName, type Dossier, type DossierStore, type ProgressEntry } from '../exchange/index.js'
import { checkAttempt, type AttemptLimiter } from './attempt-limit.js'
import { authenticateCitizen, type VerifyCitizen } from './citizen-auth.js'

export interface DossierStatusOptions {
  store: DossierStore
  hash: KeyedHash
  /** The PIN a citizen token was issued for, or null. */
  verifyCitizen: VerifyCitizen
  /** Guessing a receipt secret is slowed per address. */
  attempts?: AttemptLimiter
}

/**
 * How a lookup without login is limited per address: a citizen checks a few dossiers, a kiosk a
 * queue of them; a loop guessing receipt secrets (50 bits) gets nowhere at one a second.
 */
const LOOKUP_LIMITS = { perIp: { perMinute: 60, burst: 30 }, perSubject: { perMinute: 60, burst: 30 } }

/** What the applicant sees of a dossier: where it stands and each step, without any identifier. */
function statusOf(dossier: Dossier, progress: ProgressEntry[]) {
  return {
    code: dossier.code,
    procedure: dossier.procedure,
    status: dossier.status,
    statusCode: portalCode(dossier.status),
    statusName: vietnameseName(dossier.status),
    receivedAt: dossier.receivedAt,
    dueAt: dossier.dueAt,
    finishedAt: dossier.finishedAt,
    steps: progress.map((entry) => ({
      seq: entry.seq,
      step: entry.step,
      at: entry.at,
      status: entry.status,
      statusName: vietnameseName(entry.status),
      agency: entry.agency,
    })),
  }
}

/**
 * Citizens' own view of their dossiers, the channel that replaces asking an officer over a chat
 * app: `GET /v1/dossiers/status?code=…&secret=…` with the secret printed on the receipt (no login;
 * a wrong secret and an unknown code get the same answer), and `GET /v1/my-dossiers` with a
 * citizen token (the dossiers whose applicant is the token's PIN). Each lookup is audited; the
 * secret lookup is rate-limited per address.
 */
export function dossierStatusRoutes(options: DossierStatusOptions): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>()
  routes.get('/v1/dossiers/status', async (c) => {
    if (options.attempts) {
      const verdict = await checkAttempt({ ...options.attempts, limits: LOOKUP_LIMITS }, c, 'lookup', 'ip')
      if (!verdict.allowed) {
        return errorResponse(c, 'RATE_LIMITED', 'Too many lookups from this address; wait and try again', 429, {
          ...verdict.headers,
          'retry-after': String(verdict.retryAfterS),
        })
      }
    }
    const code = c.req.query('code') ?? ''
    const secret = c.req.query('secret') ?? ''
    const draft = c.get('audit')
    draft.actor = 'receipt-holder'
    if (code.length === 0 || code.length > 64 || secret.length === 0 || secret.length > 32) {
      return errorResponse(c, 'BAD_USER_INPUT', 'Give the dossier code and the secret printed on its receipt (code=…&secret=…)', 400)
    }
    const dossier = await options.store.get(code)
    // An unknown code and a wrong secret are one answer: the lookup tells nothing of other dossiers.
    if (!dossier || !receiptMatches(code, secret, options.hash)) {
      draft.reason = 'RECEIPT_MISMATCH'
      return errorResponse(c, 'NOT_FOUND', 'No dossier with this code and secret', 404)
    }
    draft.identifiers.add(dossier.applicant)
    draft.detail = { dossier: dossier.code }
    c.header('cache-control', 'no-store')
    return c.json(statusOf(dossier, await options.store.progress(dossier.code)))
  })
  routes.get('/v1/my-dossiers', async (c) => {
    const pin = await authenticateCitizen(c, options.verifyCitizen)
    if (pin instanceof Response) return pin
    const dossiers = await options.store.byApplicant(pin)
    c.header('cache-control', 'no-store')
    return c.json({ dossiers: await Promise.all(dossiers.map(async (dossier) => statusOf(dossier, await options.store.progress(dossier.code)))) })
  })
  return routes
}
