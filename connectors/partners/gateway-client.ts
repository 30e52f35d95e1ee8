/**
 * A partner system's side of the contract when it calls the gateway: a client-credentials token
 * (private_key_jwt), one GraphQL mutation per dossier step with its Idempotency-Key, a wait of
 * what Retry-After asks when the gateway answers 429 or 503, and documents by hash, checked. The
 * sandbox vendor systems act through it, and the conformance kit plays the province's side with it.
 */
import { decodeJwt, importJWK, SignJWT, type JWK } from 'jose'
import { STEP_FIELDS, type StepName } from './message.js'

export interface GatewayClientOptions {
  /** Where the system calls the gateway (or the conformance kit's relay in front of it). */
  gateway: string
  /** The gateway's issuer: the client assertion's audience. */
  issuer: string
  clientId: string
  privateKey: JWK
  /** The purpose every step is taken for. */
  purpose: string
  /** The officer the system acts for. */
  endUser: string
  fetch?: typeof fetch
}

/** What one call to the gateway answered: its HTTP status, the GraphQL data and the first error's code. */
export interface GatewayAnswer {
  status: number
  data: Record<string, unknown> | null
  error: { code: string; message: string } | null
  /** Seconds the gateway asked to wait (429, 503), when it said. */
  retryAfter: number | null
}

/** The steps whose mutation requires a note (the others take one optionally). */
const NOTE_REQUIRED: ReadonlySet<StepName> = new Set(['reject', 'addProgress', 'requestSupplement', 'askFees', 'stop'])

export interface PartReference {
  name: string
  copyType: 'ORIGINAL' | 'COPY' | 'ELECTRONIC'
  sha256: string
}

export interface StepRequest {
  step: Exclude<StepName, 'submit'>
  code: string
  note: string
  /** The version the system last saw; absent, the gateway does not check it. */
  expectedVersion?: number
  to?: string
  parts?: PartReference[]
}

/** The mutation and variables of one step, as the schema takes them. */
export function stepOperation(request: StepRequest): { query: string; variables: Record<string, unknown> } {
  const field = STEP_FIELDS[request.step]
  const declared = ['$code: String!', '$expectedVersion: Int', `$note: String${NOTE_REQUIRED.has(request.step) ? '!' : ''}`]
  const passed = ['code: $code', 'expectedVersion: $expectedVersion', 'note: $note']
  const variables: Record<string, unknown> = { code: request.code, note: request.note }
  if (request.expectedVersion !== undefined) variables.expectedVersion = request.expectedVersion
  if (request.to !== undefined) {
    declared.push('$to: String!')
    passed.push('to: $to')
    variables.to = request.to
  }
  if (request.parts !== undefined) {
    declared.push('$parts: [DossierPartInput!]!')
    passed.push('parts: $parts')
    variables.parts = request.parts
  }
  return { query: `mutation(${declared.join(', ')}) { ${field}(${passed.join(', ')}) { code status holder version } }`, variables }
}

export const SUBMIT_MUTATION = 'mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { code status holder version } }'

/** The dossier's version after a step the gateway took (the mutation answers it), or null when refused. */
export function versionAfter(answer: GatewayAnswer): number | null {
  const moved = answer.data ? (Object.values(answer.data)[0] as { version?: unknown } | null) : null
  return typeof moved?.version === 'number' ? moved.version : null
}

/** An RFC 8941 sf-string holding a fresh UUID: the Idempotency-Key of one step, kept across its retries. */
export const newIdempotencyKey = (): string => `"${crypto.randomUUID()}"`

/** The longest Retry-After a partner system waits before giving up on a call (seconds). */
export const RETRY_AFTER_MAX_S = 30

/** Reads Retry-After as delay-seconds (the gateway sends no dates); anything else is null. */
export function retryAfterSeconds(header: string | null): number | null {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return null
  return Number(header.trim())
}

export const sha256Hex = async (bytes: Uint8Array<ArrayBuffer>): Promise<string> =>
  Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('')

/** The token request's form for a client assertion (RFC 7523, `private_key_jwt`). */
export const clientAssertionForm = (assertion: string): URLSearchParams =>
  new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  })

/**
 * A client assertion addressed to `issuer`'s token endpoint, good for one minute and one use
 * (`jti`: a fresh UUID unless given, to replay one on purpose).
 */
export async function signClientAssertion(
  options: Pick<GatewayClientOptions, 'issuer' | 'clientId' | 'privateKey'>,
  jti: string = crypto.randomUUID(),
): Promise<string> {
  const alg = options.privateKey.kty === 'OKP' ? 'EdDSA' : 'ES256'
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({})
    .setProtectedHeader({ alg, ...(options.privateKey.kid ? { kid: options.privateKey.kid } : {}) })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(`${options.issuer.replace(/\/$/, '')}/oauth/token`)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setJti(jti)
    .sign(await importJWK(options.privateKey, alg))
}

/** An access token from the gateway's token endpoint for a client holding its private key. */
export async function requestAccessToken(
  options: Pick<GatewayClientOptions, 'gateway' | 'issuer' | 'clientId' | 'privateKey' | 'fetch'>,
): Promise<{ token: string; expiresIn: number }> {
  const fetcher = options.fetch ?? fetch
  const res = await fetcher(`${options.gateway.replace(/\/$/, '')}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: clientAssertionForm(await signClientAssertion(options)),
    signal: AbortSignal.timeout(10_000),
  })
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error_description?: string }
  if (!res.ok || !body.access_token) throw new Error(`the token endpoint refused ${options.clientId}: ${res.status} ${body.error_description ?? ''}`)
  return { token: body.access_token, expiresIn: body.expires_in ?? 60 }
}

export function createGatewayClient(options: GatewayClientOptions) {
  const fetcher = options.fetch ?? fetch
  const base = options.gateway.replace(/\/$/, '')
  let cached: { token: string; until: number } | null = null

  async function token(): Promise<string> {
    if (cached && cached.until > Date.now()) return cached.token
    const { token: fresh, expiresIn } = await requestAccessToken(options)
    // Renewed a minute early: a step must not leave with a token about to expire.
    cached = { token: fresh, until: Date.now() + Math.max(0, expiresIn - 60) * 1000 }
    return cached.token
  }

  const headers = async (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${await token()}`,
    'x-purpose': options.purpose,
    'x-end-user': options.endUser,
    ...extra,
  })

  /** One GraphQL call, read into an answer; never retried here (the caller decides). */
  async function graphql(query: string, variables: Record<string, unknown>, extra: Record<string, string> = {}): Promise<GatewayAnswer> {
    const res = await fetcher(`${base}/graphql`, {
      method: 'POST',
      headers: await headers({ 'content-type': 'application/json', accept: 'application/json', ...extra }),
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(15_000),
    })
    const body = (await res.json().catch(() => null)) as {
      data?: Record<string, unknown> | null
      errors?: Array<{ message: string; extensions?: { code?: string } }>
    } | null
    const first = body?.errors?.[0]
    return {
      status: res.status,
      data: body?.data ?? null,
      error: first
        ? { code: first.extensions?.code ?? 'UNKNOWN', message: first.message }
        : body
          ? null
          : { code: 'UNREADABLE', message: `HTTP ${res.status}` },
      retryAfter: retryAfterSeconds(res.headers.get('retry-after')),
    }
  }

  /** The dossier as the gateway shows it to this system, or null. */
  async function dossier(code: string) {
    const answer = await graphql('query($code: String!) { dossier(code: $code) { code status holder version parts { name sha256 } } }', { code })
    return (answer.data?.dossier ?? null) as {
      code: string
      status: string
      holder: string
      version: number
      parts: Array<{ name: string; sha256: string }>
    } | null
  }

  /** Stores a document by its hash (`PUT /v1/blobs/{sha256}`); returns the hash. */
  async function upload(bytes: Uint8Array<ArrayBuffer>, mediaType = 'application/pdf'): Promise<string> {
    const sha256 = await sha256Hex(bytes)
    const res = await fetcher(`${base}/v1/blobs/${sha256}`, {
      method: 'PUT',
      headers: await headers({ 'content-type': mediaType }),
      body: bytes,
      signal: AbortSignal.timeout(15_000),
    })
    if (res.status !== 201 && res.status !== 200) throw new Error(`the gateway did not store the document: HTTP ${res.status}`)
    return sha256
  }

  /** A document's bytes by hash, as served (the caller checks them: `sha256Hex`). */
  async function download(sha256: string): Promise<{ status: number; bytes: Uint8Array<ArrayBuffer> }> {
    const res = await fetcher(`${base}/v1/blobs/${sha256}`, { headers: await headers(), signal: AbortSignal.timeout(15_000) })
    return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) }
  }

  /**
   * One step, sent until the gateway decides it: a 429 or 503 is sent again, with the same
   * Idempotency-Key, after the Retry-After the gateway asked (1 s when it did not say; at most
   * `RETRY_AFTER_MAX_S`). `ignoreRetryAfter` and `newKeyOnRetry` are the mistakes vendors make
   * (the sandbox systems' fault switches): sending again at once, and keying the HTTP call rather
   * than the step.
   */
  async function step(
    operation: { query: string; variables: Record<string, unknown> },
    idempotencyKey: string,
    behaviour: { ignoreRetryAfter?: boolean; newKeyOnRetry?: boolean; attempts?: number } = {},
  ): Promise<GatewayAnswer> {
    const attempts = behaviour.attempts ?? 5
    const send = (key: string) => graphql(operation.query, operation.variables, { 'idempotency-key': key })
    let answer = await send(idempotencyKey)
    for (let attempt = 1; attempt < attempts && (answer.status === 429 || answer.status === 503); attempt++) {
      const waitS = behaviour.ignoreRetryAfter ? 0 : Math.min(answer.retryAfter ?? 1, RETRY_AFTER_MAX_S)
      if (waitS > 0) await new Promise((resolve) => setTimeout(resolve, waitS * 1000))
      answer = await send(behaviour.newKeyOnRetry ? newIdempotencyKey() : idempotencyKey)
    }
    return answer
  }

  /** The agency the gateway's token names for this client (its `agency` claim). */
  async function agency(): Promise<string> {
    const claim = decodeJwt(await token()).agency
    if (typeof claim !== 'string') throw new Error(`the gateway's token for ${options.clientId} names no agency`)
    return claim
  }

  return { token, agency, graphql, step, dossier, upload, download }
}

export type GatewayClient = ReturnType<typeof createGatewayClient>
