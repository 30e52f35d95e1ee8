/**
 * A REST source that asks for OAuth 2.0 client credentials (a department's case files by PIN),
 * described by its OpenAPI document and a mapping, served on 127.0.0.1 by a small server written
 * here that is both the identity provider and the API. The engine asks for a token once and
 * shares it, asks again before it expires or once the API refuses it, and never lets the secret or
 * a token reach an error.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { typeDefs } from '../../schemas/index.js'
import { canonicalCatalog } from './canonical-catalog.js'
import { createDescribedConnector } from './connector.js'
import { ConnectorFilesError } from './description.js'
import { loadDescribedConnector } from './load.js'
import { createTokenSource } from './oauth-token.js'
import { createReplaySandbox, REPLAY_TOKEN_PATH } from './replay-sandbox.js'
import { NAME, PIN, RECORD, restDescription, restMapping } from './rest-source.fixture.js'
import { serveSandbox } from '../kit/sandbox/index.js'

const CLIENT = { id: 'lgsp gateway', secret: 'a-secret:with+signs' }
const description = (tokenUrl: string) =>
  restDescription(`components:
  securitySchemes:
    idp:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: ${tokenUrl}
          scopes: { tra-cuu: read people, cap-nhat: change them }
security: [{ idp: [tra-cuu] }]`)

const MAPPING = restMapping('auth: { kind: oauthClientCredentials, scopes: [tra-cuu] }')

const load = (tokenUrl: string, mapping = MAPPING) =>
  loadDescribedConnector(
    {
      folder: 'ho-so',
      mapping: { file: 'mapping.yaml', text: mapping },
      readDescription: (name) => (name === 'openapi.yaml' ? { file: 'openapi.yaml', text: description(tokenUrl) } : undefined),
    },
    canonicalCatalog(typeDefs),
  )

/** What the identity provider does next, and what it and the API saw. */
let issue: { status: number; body: unknown } | 'normal' = 'normal'
let lifetimeS: number | undefined = 3600
let issued: string[] = []
let revoked = new Set<string>()
/** Every token refused, as when the client lacks the API's permission. */
let refuseEveryToken = false
let tokenRequests: Array<{ authorization: string | undefined; body: string }> = []
let apiCalls: Array<string | undefined> = []

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = ''
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8')
    })
    req.on('end', () => resolve(text))
  })
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await read(req)
  if (req.url === '/idp/token' && req.method === 'POST') {
    tokenRequests.push({ authorization: req.headers.authorization, body })
    if (issue !== 'normal') return json(res, issue.status, issue.body)
    const token = `t${issued.length + 1}.${'x'.repeat(20)}`
    issued.push(token)
    return json(res, 200, { access_token: token, token_type: 'Bearer', ...(lifetimeS === undefined ? {} : { expires_in: lifetimeS }) })
  }
  apiCalls.push(req.headers.authorization)
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
  if (!token || !issued.includes(token) || revoked.has(token) || refuseEveryToken) return json(res, 401, { loi: 'token' })
  if (req.url === '/suc-khoe') return json(res, 200, {})
  if (req.url === `/ho-so/${PIN}`) return json(res, 200, RECORD)
  return json(res, 404, { loi: 'không có' })
}

let server: Server
let base: string
beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})
beforeEach(() => {
  issue = 'normal'
  lifetimeS = 3600
  issued = []
  revoked = new Set()
  refuseEveryToken = false
  tokenRequests = []
  apiCalls = []
})

const scope = { requestId: 'req-oauth' }
const connect = () => createDescribedConnector(load(`${base}/idp/token`), { baseUrl: base, timeoutMs: 2000, oauthClient: CLIENT })

describe('a source asking for OAuth client credentials', () => {
  it('asks for one token with the client in Basic, form-encoded, and the scopes, then shares it', async () => {
    const source = connect()
    const answers = await Promise.all(Array.from({ length: 5 }, () => source.lookup('caseFile', PIN, scope)))
    expect(answers.map((a) => a?.name)).toEqual(Array(5).fill(NAME))
    await source.lookup('caseFile', PIN, scope)
    expect(tokenRequests).toHaveLength(1)
    const { authorization, body } = tokenRequests[0]!
    expect(Buffer.from(authorization!.replace(/^Basic /, ''), 'base64').toString('utf8')).toBe('lgsp+gateway:a-secret%3Awith%2Bsigns')
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({ grant_type: 'client_credentials', scope: 'tra-cuu' })
    expect(new Set(apiCalls)).toEqual(new Set([`Bearer ${issued[0]}`]))
  })

  it("where requests stand alone (workerd), a call never waits on another call's token request: only a received token is shared", async () => {
    const source = createDescribedConnector(load(`${base}/idp/token`), { baseUrl: base, timeoutMs: 2000, oauthClient: CLIENT, requestsStandAlone: true })
    const recorded = Array.from({ length: 5 }, () => [] as string[])
    const answers = await Promise.all(
      recorded.map((calls, i) => source.lookup('caseFile', PIN, { requestId: `req-${i}`, recordCall: (call) => calls.push(call.operation) })),
    )
    expect(answers.map((a) => a?.name)).toEqual(Array(5).fill(NAME))
    // Each concurrent call asked for its own token, in its own request's name and record.
    expect(tokenRequests).toHaveLength(5)
    for (const calls of recorded) expect(calls).toContain('ho-so.token')
    await source.lookup('caseFile', PIN, scope)
    expect(tokenRequests).toHaveLength(5) // the received token is kept for later calls
  })

  it('asks again before the token expires: at a tenth of its life, at most 30 s early', async () => {
    lifetimeS = 60
    let clock = 1_000_000
    const tokens = createTokenSource({ connector: 'ho-so', tokenUrl: `${base}/idp/token`, scopes: [], client: CLIENT, now: () => clock })
    const first = await tokens.token(scope)
    clock += 53_999
    expect(await tokens.token(scope)).toBe(first)
    clock += 1
    expect(await tokens.token(scope)).not.toBe(first)
    expect(tokenRequests).toHaveLength(2)
  })

  it('drops a token the API refuses and asks once more; a second refusal stands', async () => {
    const source = connect()
    await source.lookup('caseFile', PIN, scope)
    revoked.add(issued[0]!)
    expect((await source.lookup('caseFile', PIN, scope))?.pin).toBe(PIN)
    expect(tokenRequests).toHaveLength(2)
    // Every token refused: the client's configuration is wrong, and the source is unavailable.
    const refuseAll = connect()
    refuseEveryToken = true
    const issuedBefore = issued.length
    await expect(refuseAll.lookup('caseFile', PIN, scope)).rejects.toMatchObject({ connector: 'ho-so', code: 'UPSTREAM_UNAVAILABLE', context: { status: 401 } })
    expect(issued.length - issuedBefore).toBe(2)
  })

  it.each<[string, string, { status: number; body: unknown }]>([
    ['refuses the client (400 invalid_client)', 'UPSTREAM_UNAVAILABLE', { status: 400, body: { error: 'invalid_client' } }],
    ['refuses the client (401)', 'UPSTREAM_UNAVAILABLE', { status: 401, body: { error: 'invalid_client' } }],
    ['fails (503)', 'UPSTREAM_UNAVAILABLE', { status: 503, body: {} }],
    ['answers without a token', 'UPSTREAM_BAD_RESPONSE', { status: 200, body: { token_type: 'Bearer' } }],
    ['answers a token of another type', 'UPSTREAM_BAD_RESPONSE', { status: 200, body: { access_token: 'abc', token_type: 'mac' } }],
    ['answers a token that would break the header', 'UPSTREAM_BAD_RESPONSE', { status: 200, body: { access_token: 'abc\r\nX-Evil: 1', token_type: 'Bearer' } }],
    ['answers a lifetime that is not one', 'UPSTREAM_BAD_RESPONSE', { status: 200, body: { access_token: 'abc', token_type: 'Bearer', expires_in: -5 } }],
    ['answers something other than JSON', 'UPSTREAM_BAD_RESPONSE', { status: 200, body: undefined }],
  ])('when the identity provider %s, the call fails with %s and says nothing secret', async (_name, code, answer) => {
    issue = answer.body === undefined ? { status: 200, body: 'not json' } : answer
    const source = connect()
    const failure = await source.lookup('caseFile', PIN, scope).catch((error: unknown) => error)
    expect(failure).toMatchObject({ connector: 'ho-so', code })
    const said = JSON.stringify({ message: (failure as Error).message, context: (failure as { context: unknown }).context })
    for (const secret of [CLIENT.secret, 'abc', 'invalid_client']) expect(said).not.toContain(secret)
    expect(apiCalls).toHaveLength(0)
  })

  it('keeps a token without a lifetime until the API refuses it', async () => {
    lifetimeS = undefined
    const source = connect()
    for (let i = 0; i < 3; i++) await source.lookup('caseFile', PIN, scope)
    expect(tokenRequests).toHaveLength(1)
  })

  it('asks the configured token URL instead of the described one', async () => {
    const source = createDescribedConnector(load('https://idp.invalid/token'), {
      baseUrl: base,
      timeoutMs: 2000,
      oauthClient: CLIENT,
      tokenUrl: `${base}/idp/token`,
    })
    expect((await source.lookup('caseFile', PIN, scope))?.name).toBe(NAME)
  })

  it('is answered by its replay sandbox, which issues tokens to its own client only', async () => {
    const plan = load('https://idp.invalid/token')
    const sandbox = await serveSandbox('ho-so-replay', createReplaySandbox(plan.source, { client: CLIENT }))
    try {
      const tokenUrl = new URL(REPLAY_TOKEN_PATH, sandbox.url).href
      const source = createDescribedConnector(plan, { baseUrl: sandbox.url, timeoutMs: 2000, oauthClient: CLIENT, tokenUrl })
      expect(await source.health()).toMatchObject({ ok: true })
      // Without a token, refused; another client gets none.
      expect((await fetch(`${sandbox.url}/suc-khoe`)).status).toBe(401)
      const stranger = createDescribedConnector(plan, {
        baseUrl: sandbox.url,
        timeoutMs: 2000,
        oauthClient: { id: CLIENT.id, secret: 'another secret' },
        tokenUrl,
      })
      expect(await stranger.health()).toMatchObject({ ok: false, detail: 'UPSTREAM_UNAVAILABLE' })
      // A Basic header that is not one is the client's mistake, never the sandbox's failure.
      for (const authorization of ['Basic a', 'Basic abc', 'Basic ====', 'Bearer x', 'Basic bm8tY29sb24='])
        expect((await fetch(tokenUrl, { method: 'POST', headers: { authorization }, body: 'grant_type=client_credentials' })).status).toBe(400)
    } finally {
      await sandbox.close()
    }
  })

  it('reports health with the token, and refuses to start without a client', async () => {
    expect(await connect().health()).toMatchObject({ ok: true })
    expect(() => createDescribedConnector(load(`${base}/idp/token`), { baseUrl: base })).toThrow(/OAuth client credentials/)
  })

  it.each<[string, string, (text: string) => string, RegExp]>([
    ['a scope the flow does not declare', MAPPING.replace('scopes: [tra-cuu]', 'scopes: [xoa]'), (t) => t, /auth\.scopes\.0: xoa is not a scope idp declares/],
    [
      'no credential for a source that asks for OAuth',
      MAPPING.replace('auth: { kind: oauthClientCredentials, scopes: [tra-cuu] }', 'auth: { kind: none }'),
      (t) => t,
      /asks for OAuth client credentials \(idp\)/,
    ],
    [
      'OAuth for a source that describes none',
      MAPPING,
      (t) => t.replace(/components:[\s\S]*?security: \[\{ idp: \[tra-cuu\] \}\]\n/, ''),
      /auth\.kind: openapi\.yaml describes no OAuth client credentials flow/,
    ],
  ])('refuses %s at load', (_name, mapping, changeDescription, problem) => {
    const failure = (() => {
      try {
        loadDescribedConnector(
          {
            folder: 'ho-so',
            mapping: { file: 'mapping.yaml', text: mapping },
            readDescription: (name) =>
              name === 'openapi.yaml' ? { file: 'openapi.yaml', text: changeDescription(description(`${base}/idp/token`)) } : undefined,
          },
          canonicalCatalog(typeDefs),
        )
      } catch (error) {
        return error
      }
    })()
    expect(failure).toBeInstanceOf(ConnectorFilesError)
    expect((failure as ConnectorFilesError).problems.map((p) => p.message).join('\n')).toMatch(problem)
  })

  it.each([
    [
      'a flow a gateway cannot take',
      (t: string) => t.replace('clientCredentials:', 'authorizationCode:\n          authorizationUrl: https://idp.invalid/a\n'),
      /offers no clientCredentials flow/,
    ],
    ['a token URL that is not an http(s) URL', (t: string) => t.replace(/tokenUrl: .*/, 'tokenUrl: ftp://idp.invalid/token'), /needs its token URL/],
  ])('refuses a description with %s', (_name, change, problem) => {
    expect(() =>
      loadDescribedConnector(
        {
          folder: 'ho-so',
          mapping: { file: 'mapping.yaml', text: MAPPING },
          readDescription: (name) => (name === 'openapi.yaml' ? { file: 'openapi.yaml', text: change(description(`${base}/idp/token`)) } : undefined),
        },
        canonicalCatalog(typeDefs),
      ),
    ).toThrow(problem)
  })
})
