/**
 * The sandbox national e-ID: a real OpenID Connect provider (panva's oidc-provider) on
 * 127.0.0.1, with one client for the gateway, whose ID tokens carry the citizen's PIN in a `pin`
 * claim and the assurance level in `acr`. Its login step stands in for the citizen's app: the
 * citizen named in `login_hint` logs in at the level asked for. `login(pin)` walks the whole
 * authorization-code flow with PKCE and returns the ID token.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

export const EID_CLIENT_ID = 'lgsp-gateway'
export const EID_CLIENT_SECRET = 'sandbox-eid-secret-of-some-length'
export const EID_LEVEL_2 = 'urn:vneid:level2'
export const EID_LEVEL_1 = 'urn:vneid:level1'

export interface SandboxEid {
  issuer: string
  /** The ID token the provider issues after `pin` logs in (at `acr`), through the whole code flow. */
  login(pin: string, options?: { acr?: string; nonce?: string; redirectUri?: string }): Promise<string>
  /** Where the provider sends the browser back with the code (the redirect of `login`'s flow). */
  authorize(pin: string, options: { redirectUri: string; state: string; nonce: string; codeChallenge: string; acr?: string }): Promise<URL>
  /** The citizen who logs in when an authorization request names none (a relying party's own login page). */
  citizen: string | null
  /** Follows an authorization URL a relying party built to where the e-ID sends the browser back. */
  follow(authorizationUrl: string, redirectUri: string): Promise<URL>
  close(): Promise<void>
}

const base64url = (bytes: Buffer) => bytes.toString('base64url')

export async function startSandboxEid(options: { redirectUris?: string[] } = {}): Promise<SandboxEid> {
  const server = await new Promise<Server>((resolve) => {
    const started = createServer()
    started.listen(0, '127.0.0.1', () => resolve(started))
  })
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const redirectUris = ['http://127.0.0.1/callback', ...(options.redirectUris ?? [])]
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: EID_CLIENT_ID,
        client_secret: EID_CLIENT_SECRET,
        redirect_uris: redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    claims: { openid: ['sub', 'pin'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    acrValues: [EID_LEVEL_2, EID_LEVEL_1],
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, pin: sub }) }),
  })
  // The e-ID's own login (the citizen's app, a chip card): here the citizen named in login_hint
  // logs in at once, at the level asked for in acr_values, and consents to sharing the PIN.
  const callback = provider.callback()
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return callback(req, res)
    void (async () => {
      const details = await provider.interactionDetails(req, res)
      const accountId = String(details.params.login_hint ?? eid.citizen ?? '')
      const acr = String(details.params.acr_values ?? EID_LEVEL_2)
      const grant = new provider.Grant({ accountId, clientId: EID_CLIENT_ID })
      grant.addOIDCScope('openid')
      grant.addOIDCClaims(['pin'])
      const grantId = await grant.save()
      await provider.interactionFinished(req, res, { login: { accountId, acr }, consent: { grantId } }, { mergeWithLastSubmission: false })
    })().catch(() => {
      res.statusCode = 500
      res.end()
    })
  })

  async function follow(start: string, redirectUri: string): Promise<URL> {
    const jar = new Map<string, string>()
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
    let url = start
    for (let hop = 0; hop < 10; hop++) {
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: cookie() } })
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';')
        const [name, ...value] = pair!.split('=')
        jar.set(name!.trim(), value.join('='))
      }
      const location = res.headers.get('location')
      if (!location) throw new Error(`e-ID flow stopped with HTTP ${res.status}: ${await res.text()}`)
      const next = new URL(location, issuer)
      if (next.href.startsWith(redirectUri)) return next
      url = next.href
    }
    throw new Error('e-ID flow did not come back')
  }

  async function authorize(pin: string, flow: { redirectUri: string; state: string; nonce: string; codeChallenge: string; acr?: string }): Promise<URL> {
    const params = new URLSearchParams({
      client_id: EID_CLIENT_ID,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: flow.redirectUri,
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: flow.codeChallenge,
      code_challenge_method: 'S256',
      login_hint: pin,
      acr_values: flow.acr ?? EID_LEVEL_2,
    })
    return follow(`${issuer}/auth?${params}`, flow.redirectUri)
  }

  const eid: SandboxEid = {
    issuer,
    authorize,
    citizen: null,
    follow,
    async login(pin, flow = {}) {
      const redirectUri = flow.redirectUri ?? 'http://127.0.0.1/callback'
      const verifier = base64url(randomBytes(32))
      const back = await authorize(pin, {
        redirectUri,
        state: base64url(randomBytes(8)),
        nonce: flow.nonce ?? base64url(randomBytes(8)),
        codeChallenge: base64url(createHash('sha256').update(verifier).digest()),
        ...(flow.acr ? { acr: flow.acr } : {}),
      })
      const code = back.searchParams.get('code')
      if (!code) throw new Error(`no code: ${back}`)
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${EID_CLIENT_ID}:${EID_CLIENT_SECRET}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }),
      })
      const body = (await res.json()) as { id_token?: string; error?: string; error_description?: string }
      if (!body.id_token) throw new Error(`e-ID token endpoint: ${body.error ?? res.status} ${body.error_description ?? ''}`)
      return body.id_token
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
  return eid
}
