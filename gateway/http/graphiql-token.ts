import { Hono, type Context } from 'hono'
import type { GatewayEnv } from '../env.js'
import { errorResponse } from '../errors.js'
import type { AccessTokens } from '../identity/access-token.js'
import type { AgencyRegistry, ClientEntry } from '../identity/agency-registry.js'
import type { PolicyRuntime } from '../policy/index.js'
import { checkAttempt, type AttemptLimiter } from './attempt-limit.js'
import { fromLocalPeer, isLoopbackHost } from './local-peer.js'

/** Where GraphiQL's development token helper asks (the page and this route share it). */
export const GRAPHIQL_TOKEN_PATH = '/graphql/dev-token'

export interface GraphiQLTokenOptions {
  registry: AgencyRegistry
  tokens: AccessTokens
  policies: PolicyRuntime
  /** The caller's network address (Node: the socket's). Unknown: every request is refused. */
  clientIp: (c: Context) => string | undefined
  /** Counted with the token endpoint's attempts, per address. */
  attempts?: AttemptLimiter
}

/**
 * A browser on this machine, asking this machine by a loopback name, with no proxy between. The
 * address keeps other machines out when a development gateway listens on the network (and a
 * proxy on this machine would make every caller loopback); the `Host` keeps out a page whose own
 * name was pointed at 127.0.0.1 (DNS rebinding), which would otherwise be same-origin.
 */
function fromThisMachine(c: Context, clientIp: GraphiQLTokenOptions['clientIp']): boolean {
  return fromLocalPeer(c, clientIp) && isLoopbackHost(new URL(c.req.url).hostname)
}

const notHere = (c: Context<GatewayEnv>) =>
  errorResponse(c, 'FORBIDDEN', 'The development token helper answers only a browser on the machine the gateway runs on (npx lgsp token does the same)', 403)

/**
 * GraphiQL's development token helper, mounted outside production only: `GET` lists the agencies
 * with an active development client (`dev: true`, which production refuses to start with) and the
 * purposes their grants name; `POST {"agency"}` issues an access token for that agency's first
 * active development client, as `lgsp token --agency` does. Only from this machine, only
 * same-origin JSON (a cross-site page can send neither), counted per address like the token
 * endpoint, and audited like it (`token.issued`, actor `graphiql`).
 */
export function graphiqlTokenRoutes(options: GraphiQLTokenOptions): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>()
  const devClients = (): ClientEntry[] =>
    options.registry
      .devClientIds()
      .map((id) => options.registry.activeClient(id))
      .filter((client): client is ClientEntry => client !== null)

  routes.get(GRAPHIQL_TOKEN_PATH, (c) => {
    if (!fromThisMachine(c, options.clientIp)) return notHere(c)
    const active = options.policies.current()
    const firstOfEach = new Map<string, ClientEntry>()
    for (const client of devClients()) if (!firstOfEach.has(client.agencyId)) firstOfEach.set(client.agencyId, client)
    const agencies = [...firstOfEach.values()]
      .sort((a, b) => a.agencyId.localeCompare(b.agencyId))
      .map((client) => {
        const codes = new Set(active.agencies.get(client.agencyId)?.grants.flatMap((grant) => grant.purposes) ?? [])
        return {
          agency: client.agencyId,
          name: client.agencyName,
          client: client.clientId,
          purposes: [...codes].sort().map((code) => ({ code, name: active.purposes.get(code)?.name ?? code })),
        }
      })
    c.header('cache-control', 'no-store')
    return c.json({ agencies })
  })

  routes.post(GRAPHIQL_TOKEN_PATH, async (c) => {
    if (!fromThisMachine(c, options.clientIp)) return notHere(c)
    // A browser always names the page's origin on a POST; only GraphiQL's own may ask.
    if (c.req.header('origin') !== new URL(c.req.url).origin) return errorResponse(c, 'FORBIDDEN', 'Only the GraphiQL page of this gateway may ask', 403)
    if (options.attempts) {
      const verdict = await checkAttempt(options.attempts, c, 'token', 'ip')
      if (!verdict.allowed) {
        return errorResponse(c, 'RATE_LIMITED', 'Too many token requests: wait and try again', 429, {
          ...verdict.headers,
          'retry-after': String(verdict.retryAfterS),
        })
      }
    }
    if ((c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() !== 'application/json') {
      return errorResponse(c, 'BAD_USER_INPUT', 'Send {"agency": "…"} as application/json', 415)
    }
    const body: unknown = await c.req.json().catch(() => null)
    const agency = typeof body === 'object' && body !== null && 'agency' in body && typeof body.agency === 'string' ? body.agency : null
    if (!agency) return errorResponse(c, 'BAD_USER_INPUT', 'Send {"agency": "…"} as application/json', 400)
    const client = devClients().find((entry) => entry.agencyId === agency)
    if (!client) return errorResponse(c, 'NOT_FOUND', 'No active development client of that agency: GET lists them', 404)
    const draft = c.get('audit') as GatewayEnv['Variables']['audit'] | undefined
    if (draft) {
      draft.actor = 'graphiql'
      draft.agency = client.agencyId
      draft.client = client.clientId
    }
    const { token, expiresIn } = await options.tokens.issue(client)
    c.header('cache-control', 'no-store')
    return c.json({ access_token: token, token_type: 'Bearer', expires_in: expiresIn, agency: client.agencyId, client: client.clientId })
  })
  return routes
}
