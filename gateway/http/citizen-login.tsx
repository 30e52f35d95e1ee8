/**
 * The citizen's web page: log in with the national e-ID (OpenID Connect, authorization code with
 * PKCE) and see one's own dossiers and each of their steps. The flow's state, nonce and PKCE
 * verifier travel in a short-lived cookie sealed with the gateway's keys (nothing kept on the
 * server); the ID token is checked against the nonce, and the page is rendered once, on the
 * server, without scripts: no token is ever handed to the browser.
 */
import { Hono } from 'hono'
import { fetchWithoutRedirects } from '../../connectors/index.js'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { base64url, CompactEncrypt, compactDecrypt } from 'jose'
import type { GatewayEnv } from '../env.js'
import { errorResponse } from '../errors.js'
import { vietnameseName, type DossierStore } from '../exchange/index.js'
import type { CitizenOidcVerifier } from '../identity/citizen-oidc.js'

export interface CitizenLoginOptions {
  eid: CitizenOidcVerifier
  clientId: string
  clientSecret: string
  /** The assurance level asked for (the e-ID's level 2 for one's own data). */
  acr?: string
  /** The gateway's public base URL: the callback is `${baseUrl}/v1/citizen/callback`. */
  baseUrl: string
  store: DossierStore
  /** The flow cookie is sealed with these (newest first; any opens). */
  sealingKeys: () => Promise<readonly CryptoKey[]>
  /** `Secure` cookie: everywhere but plain http on loopback in development. */
  secureCookie: boolean
  now?: () => number
}

const FLOW_COOKIE = 'lgsp_eid_flow'
const FLOW_TTL_S = 600
export const CITIZEN_LOGIN_KEY_LABEL = 'citizen-login'

interface Flow {
  state: string
  nonce: string
  verifier: string
  exp: number
}

const random = (bytes: number) => base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)))
const encoder = new TextEncoder()

export function citizenLoginRoutes(options: CitizenLoginOptions): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>()
  const now = options.now ?? Date.now
  const callback = `${options.baseUrl.replace(/\/$/, '')}/v1/citizen/callback`

  async function seal(flow: Flow): Promise<string> {
    const [key] = await options.sealingKeys()
    if (!key) throw new Error('no key to seal the login flow with')
    return new CompactEncrypt(encoder.encode(JSON.stringify(flow))).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(key)
  }

  async function open(sealed: string | undefined): Promise<Flow | null> {
    if (!sealed) return null
    for (const key of await options.sealingKeys()) {
      try {
        const { plaintext } = await compactDecrypt(sealed, key)
        const flow = JSON.parse(new TextDecoder().decode(plaintext)) as Flow
        return flow.exp > now() / 1000 ? flow : null
      } catch {
        // Another key, or not ours at all.
      }
    }
    return null
  }

  routes.get('/v1/citizen/login', async (c) => {
    const discovery = await options.eid.discovery()
    if (!discovery.authorization_endpoint) return errorResponse(c, 'INTERNAL_SERVER_ERROR', 'The e-ID provider names no authorization endpoint', 503)
    const flow: Flow = { state: random(16), nonce: random(16), verifier: random(32), exp: Math.floor(now() / 1000) + FLOW_TTL_S }
    const challenge = base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(flow.verifier))))
    // Lax: the e-ID sends the browser back with a top-level navigation from its own site.
    setCookie(c, FLOW_COOKIE, await seal(flow), { httpOnly: true, secure: options.secureCookie, sameSite: 'Lax', path: '/v1/citizen', maxAge: FLOW_TTL_S })
    const params = new URLSearchParams({
      client_id: options.clientId,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: callback,
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(options.acr ? { acr_values: options.acr } : {}),
    })
    return c.redirect(`${discovery.authorization_endpoint}?${params}`, 302)
  })

  routes.get('/v1/citizen/callback', async (c) => {
    const flow = await open(getCookie(c, FLOW_COOKIE))
    deleteCookie(c, FLOW_COOKIE, { path: '/v1/citizen', secure: options.secureCookie })
    const code = c.req.query('code')
    // A callback this browser did not start (or started too long ago): a login forged elsewhere.
    if (!flow || !code || c.req.query('state') !== flow.state) {
      return errorResponse(c, 'UNAUTHENTICATED', 'The e-ID login did not complete here: start again from /v1/citizen/login', 401)
    }
    const discovery = await options.eid.discovery()
    if (!discovery.token_endpoint) return errorResponse(c, 'INTERNAL_SERVER_ERROR', 'The e-ID provider names no token endpoint', 503)
    const response = await fetchWithoutRedirects(fetch, discovery.token_endpoint, {
      method: 'POST',
      signal: AbortSignal.timeout(5000),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${btoa(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`)}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callback, code_verifier: flow.verifier }),
    })
    const tokens = (await response.json().catch(() => ({}))) as { id_token?: unknown }
    const pin = typeof tokens.id_token === 'string' ? await options.eid.verify(tokens.id_token, { nonce: flow.nonce }) : null
    if (!pin) return errorResponse(c, 'UNAUTHENTICATED', 'The e-ID did not confirm who you are: start again from /v1/citizen/login', 401)
    const draft = c.get('audit')
    draft.actor = 'citizen'
    draft.identifiers.add(pin)
    const dossiers = await options.store.byApplicant(pin)
    const progress = await Promise.all(dossiers.map((dossier) => options.store.progress(dossier.code)))
    c.header('cache-control', 'no-store')
    c.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'")
    return c.html(
      '<!doctype html>' +
        (
          <html lang="vi">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width, initial-scale=1" />
              <title>Hồ sơ của tôi</title>
            </head>
            <body>
              <main>
                <h1>Hồ sơ của tôi</h1>
                {dossiers.length === 0 ? <p>Chưa có hồ sơ nào.</p> : null}
                {dossiers.map((dossier, i) => (
                  <section>
                    <h2>{dossier.code}</h2>
                    <p>
                      Thủ tục {dossier.procedure} · {vietnameseName(dossier.status)} · nhận {dossier.receivedAt}
                      {dossier.dueAt ? ` · hẹn trả ${dossier.dueAt}` : ''}
                    </p>
                    <ol>
                      {progress[i]!.map((entry) => (
                        <li>
                          {entry.at} — {vietnameseName(entry.status)} ({entry.agency})
                        </li>
                      ))}
                    </ol>
                  </section>
                ))}
              </main>
            </body>
          </html>
        ).toString(),
    )
  })
  return routes
}
