/**
 * The gateway's own REST document (`/openapi.json`) says what the gateway serves: it is valid
 * OpenAPI 3.1 under a well-kept validator with every `$ref` resolving; every REST route a gateway
 * with every optional part mounted registers is described, and every described route is
 * registered (the rule is `restRoutes` below); every error answer is the error contract; the RFC
 * 8414 metadata says what the document says; and what the routes answer fits the schemas the
 * document gives them.
 */
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { Hono } from 'hono'
import type { OpenAPIObject, OperationObject, ResponseObject } from 'openapi3-ts/oas31'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueStaffToken } from '../../gateway/admin/staff-token.js'
import { migrate, type Database } from '../../gateway/database/index.js'
import { openPglite } from '../../gateway/database/pglite.node.js'
import { DOCUMENTED_ROUTES, gatewayOpenApi, TAGS, type RouteDoc } from '../../gateway/discovery/index.js'
import { openPolicyStore, policySetOf } from '../../gateway/entry/policies.js'
import { ErrorCode } from '../../gateway/errors.js'
import { createDatabaseBlobStore, createDossierStore, createOutbox } from '../../gateway/exchange/index.js'
import { createCitizenOidcVerifier } from '../../gateway/identity/citizen-oidc.js'
import { issueSandboxCitizenToken } from '../../gateway/identity/index.js'
import { metricsApp } from '../../gateway/metrics/prom.node.js'
import { createMemoryRateLimiter } from '../../gateway/ratelimit/index.js'
import { consoleOn } from '../console/console-gateway.js'
import { localCredentialHash, newLocalCredential } from '../../gateway/admin/ops/index.js'
import { createTestGateway, type TestGateway } from '../harness.js'
import { signAssertion, TEST_ISSUER } from '../identity.js'

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

/**
 * The REST routes an app registers, as `METHOD /path/{param}`. The rule:
 * - handlers only: `app.use` registers its middleware as method ALL, and a wildcard path
 *   (`PUT /v1/blobs/*`, audit and caller checks in front of the route) is middleware too;
 * - not the HTML pages for people: the console (`/admin`, and everything under it but the staff
 *   APIs under `/admin/api/`) and its public `/transparency` page;
 * - not GraphiQL's internals (`/graphql/…`: its development token helper); `/graphql` itself is
 *   described.
 * Sandbox-only routes (the simulated registries' `/__sandbox/…`, the sandbox partner systems) are
 * on servers of their own, never on the gateway's app, so they are not walked at all.
 */
function restRoutes(app: Hono<any>): Set<string> {
  const served = new Set<string>()
  for (const route of app.routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue
    if (route.path === '/transparency' || route.path === '/admin' || (route.path.startsWith('/admin/') && !route.path.startsWith('/admin/api/'))) continue
    if (route.path.startsWith('/graphql/')) continue
    served.add(`${route.method} ${route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`)
  }
  return served
}

const described = (routes: readonly RouteDoc[]) => new Set(routes.map((route) => `${route.method.toUpperCase()} ${route.path}`))

let db: Database
let gw: TestGateway
let document: OpenAPIObject

beforeAll(async () => {
  db = await openPglite()
  await migrate(db)
  // Every optional part mounted, so that every route the gateway can serve is registered.
  gw = await createTestGateway({
    auditDb: db,
    rateLimiter: createMemoryRateLimiter(),
    exchange: { store: createDossierStore(db), blobs: createDatabaseBlobStore(db), outbox: createOutbox(db) },
    citizenEid: {
      verifier: createCitizenOidcVerifier({
        issuer: 'http://127.0.0.1:9/eid',
        audience: 'lgsp',
        fetch: () => Promise.reject(new Error('no e-ID in this test')),
      }),
      clientId: 'lgsp',
      clientSecret: 'a-client-secret-for-the-test',
    },
    operations: {
      db,
      policyStore: openPolicyStore(db),
      historicJwks: () => [],
      loadSet: policySetOf,
      localCredentialHash: await localCredentialHash(newLocalCredential()),
    },
    console: consoleOn(db),
  })
  document = (await (await gw.app.request('/openapi.json')).json()) as OpenAPIObject
}, 60_000)

afterAll(async () => {
  await gw?.close()
  await db?.close()
})

describe('the document', () => {
  it('is valid OpenAPI 3.1 under @seriousme/openapi-schema-validator, every $ref resolving', async () => {
    const validator = new Validator()
    const result = await validator.validate(JSON.parse(JSON.stringify(document)))
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined()
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
    expect(() => validator.resolveRefs()).not.toThrow()
    // The validator can fail: an operation whose answers are not an object is refused.
    const spoiled = JSON.parse(JSON.stringify(document))
    spoiled.paths['/healthz'].get.responses = 'ok'
    expect((await new Validator().validate(spoiled)).valid).toBe(false)
  })

  it('is served as the code builds it, for this issuer, cached and public', async () => {
    const res = await gw.app.request('/openapi.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/openapi+json')
    expect(res.headers.get('cache-control')).toBe('public, max-age=300')
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(gatewayOpenApi({ issuer: TEST_ISSUER }))))
    expect(document.servers).toEqual([{ url: TEST_ISSUER, description: 'This gateway (its issuer)' }])
  })

  it('refuses a route described twice', () => {
    const twice = [DOCUMENTED_ROUTES[0]!, DOCUMENTED_ROUTES[0]!]
    expect(() => gatewayOpenApi({ issuer: TEST_ISSUER, routes: twice })).toThrow(/described twice/)
  })

  it('gives every operation a unique id, a tag of the list and the security of its caller', () => {
    const ids = new Set<string>()
    const tags = new Set<string>(TAGS.map((tag) => tag.name))
    const expected = { public: [], agency: [{ bearer: [] }], citizen: [{ citizen: [] }], staff: [{ staff: [] }], metrics: [{ metrics: [] }, {}] }
    for (const route of DOCUMENTED_ROUTES) {
      const operation = document.paths![route.path]![route.method] as OperationObject
      expect(ids.has(operation.operationId!), operation.operationId).toBe(false)
      ids.add(operation.operationId!)
      expect(operation.tags?.every((tag) => tags.has(tag))).toBe(true)
      expect(operation.security, `${route.method} ${route.path}`).toEqual(expected[route.caller])
    }
    expect(ids.size).toBe(DOCUMENTED_ROUTES.length)
  })
})

describe('drift between the document and the routes', () => {
  it('describes every REST route the gateway registers', () => {
    const served = restRoutes(gw.app)
    // The rule keeps what it should: the staff API and the data API are counted, the console is not.
    expect(served).toContain('GET /admin/api/audit')
    expect(served).toContain('POST /graphql')
    expect([...served].some((route) => route.startsWith('GET /admin/agencies'))).toBe(false)
    const undocumented = [...served].filter((route) => !described(DOCUMENTED_ROUTES).has(route))
    expect(undocumented, 'add an entry to gateway/discovery (DOCUMENTED_ROUTES) for each').toEqual([])
  })

  it('describes no route the gateway does not register: the API listener, and the metrics listener', () => {
    const onApi = DOCUMENTED_ROUTES.filter((route) => !route.servers)
    const onMetrics = DOCUMENTED_ROUTES.filter((route) => route.servers)
    expect(onMetrics.map((route) => route.path)).toEqual(['/metrics'])
    expect([...described(onApi)].filter((route) => !restRoutes(gw.app).has(route))).toEqual([])
    expect([...described(onMetrics)].filter((route) => !restRoutes(metricsApp(new Registry())).has(route))).toEqual([])
  })

  it('would notice a route added without an entry, and an entry without a route', () => {
    const withExtra = restRoutes(gw.app).add('GET /v1/undocumented')
    expect([...withExtra].filter((route) => !described(DOCUMENTED_ROUTES).has(route))).toEqual(['GET /v1/undocumented'])
    const extraEntry: RouteDoc = { ...DOCUMENTED_ROUTES[0]!, path: '/v1/nowhere' }
    expect([...described([...DOCUMENTED_ROUTES, extraEntry])].filter((route) => !restRoutes(gw.app).has(route) && !route.endsWith('/metrics'))).toEqual([
      'GET /v1/nowhere',
    ])
  })
})

describe('error answers', () => {
  /** The schemas an answer's JSON body may take. */
  const bodySchemas = (response: ResponseObject): string[] => {
    const schema = response.content?.['application/json']?.schema as { $ref?: string; anyOf?: Array<{ $ref: string }> } | undefined
    return (schema?.anyOf ?? (schema ? [schema] : [])).map((entry) => entry.$ref ?? '')
  }

  it('are the error contract (ErrorBody), but for the token endpoint (RFC 6749), the metrics listener (Prometheus) and /readyz (its report)', () => {
    const errorBody = '#/components/schemas/ErrorBody'
    for (const route of DOCUMENTED_ROUTES) {
      for (const [status, response] of Object.entries(route.operation.responses)) {
        if (!/^[45]/.test(status)) continue
        const where = `${route.method} ${route.path} ${status}`
        const schemas = bodySchemas(response as ResponseObject)
        if (route.path === '/oauth/token') expect(schemas, where).toContain('#/components/schemas/OAuthError')
        else if (route.path === '/metrics') expect(Object.keys((response as ResponseObject).content ?? {}), where).toEqual(['text/plain'])
        else if (route.path === '/readyz') expect(schemas, where).toEqual(['#/components/schemas/Readiness'])
        else expect(schemas, where).toContain(errorBody)
      }
    }
  })

  it('name only codes of the closed set, and the set is the one the code has', () => {
    expect((document.components!.schemas!.ErrorCode as { enum: string[] }).enum).toEqual(ErrorCode.options)
    let named = 0
    for (const route of DOCUMENTED_ROUTES) {
      for (const response of Object.values(route.operation.responses)) {
        const codes = (response as ResponseObject)['x-lgsp-codes'] as string[] | undefined
        if (!codes) continue
        named++
        for (const code of codes) expect(ErrorCode.options, `${route.method} ${route.path}`).toContain(code)
      }
    }
    expect(named).toBeGreaterThan(15)
  })
})

describe('the authorization server metadata (RFC 8414) and the document', () => {
  it('agree: issuer, token endpoint, grant, client authentication, algorithms, key set, documentation', async () => {
    const metadata = (await (await gw.app.request('/.well-known/oauth-authorization-server')).json()) as Record<string, any>
    const server = document.servers![0]!.url
    expect(metadata.issuer).toBe(server)
    const pathOf = (url: string) => {
      expect(url.startsWith(`${server}/`), url).toBe(true)
      return url.slice(server.length)
    }
    const token = document.paths![pathOf(metadata.token_endpoint)]?.post
    expect(token?.operationId).toBe('issueToken')
    const form = (token!.requestBody as any).content['application/x-www-form-urlencoded'].schema.properties
    expect(metadata.grant_types_supported).toEqual([form.grant_type.const])
    // private_key_jwt is the JWT-bearer client assertion (RFC 7523), and no client secret.
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt'])
    expect(form.client_assertion_type.const).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
    expect(form.client_secret).toBeUndefined()
    for (const alg of metadata.token_endpoint_auth_signing_alg_values_supported) expect(token!.description).toContain(alg)
    expect(document.paths![pathOf(metadata.jwks_uri)]?.get?.operationId).toBe('jwks')
    expect(document.paths![pathOf(metadata.service_documentation)]?.get).toBeDefined()
    expect(document.paths!['/.well-known/oauth-authorization-server']?.get?.operationId).toBe('authorizationServerMetadata')
  })
})

describe('answers fit their documented schemas', () => {
  /** A JSON pointer token (RFC 6901). */
  const pointerToken = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1')
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
  let ready = false
  /** Checks `body` against the schema the document gives `status` of `method path`. */
  const fits = (method: (typeof METHODS)[number], path: string, status: number, body: unknown) => {
    if (!ready) {
      ajv.addSchema(document, 'openapi')
      ready = true
    }
    const response = (document.paths![path]![method] as OperationObject).responses![String(status)] as ResponseObject
    expect(response, `${method} ${path} documents no ${status}`).toBeDefined()
    const type = response.content?.['application/json'] ? 'application/json' : 'application/openapi+json'
    const pointer = `openapi#/paths/${pointerToken(path)}/${method}/responses/${status}/content/${pointerToken(type)}/schema`
    const validate = ajv.getSchema(pointer)
    expect(validate, pointer).toBeDefined()
    expect(validate!(body), `${method} ${path} ${status}: ${JSON.stringify(validate!.errors)}`).toBe(true)
  }
  const call = async (method: (typeof METHODS)[number], path: string, init: RequestInit = {}, expected = 200) => {
    const res = await gw.app.request(path, { method: method.toUpperCase(), ...init })
    expect(res.status, `${method} ${path}`).toBe(expected)
    const body = await res.json()
    fits(method, path.split('?')[0]!, res.status, body)
    return body as Record<string, any>
  }

  it('the public routes', async () => {
    await call('get', '/healthz')
    await call('get', '/readyz')
    await call('get', '/.well-known/oauth-authorization-server')
    await call('get', '/.well-known/jwks.json')
    await call('get', '/.well-known/lgsp-key-history.json')
    await call('get', '/v1/contract')
    await call('get', '/openapi.json')
    await call('get', '/v1/dossiers/status?code=G09.20-20261204-0000001&secret=WRONGWRONG', {}, 404)
    // The check can fail: a body the schema does not allow is refused.
    expect(() => fits('get', '/healthz', 200, { status: 'down' })).toThrow()
    expect(() => fits('get', '/readyz', 200, { status: 'ok' })).toThrow()
  })

  it('the token endpoint, a citizen’s and an auditor’s routes', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const issued = await call('post', '/oauth/token', {
      headers: form,
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await signAssertion(gw.identity.client),
      }),
    })
    expect(issued.token_type).toBe('Bearer')
    await call('post', '/oauth/token', { headers: form, body: 'grant_type=password' }, 400)

    // A read of the citizen's data first, so that the history has an entry to fit the schema.
    const pin = gw.world.examples.representativePin
    const citizen = { authorization: `Bearer ${await issueSandboxCitizenToken(gw.identity.keys, TEST_ISSUER, pin)}` }
    expect((await gw.graphql(`{ citizen(pin: "${pin}") { name { full } } }`)).status).toBe(200)
    expect((await call('get', '/v1/access-history', { headers: citizen })).entries.length).toBeGreaterThan(0)
    await call('get', '/v1/my-dossiers', { headers: citizen })
    await call('get', '/v1/access-history', {}, 401)

    const auditor = { authorization: `Bearer ${await issueStaffToken(gw.identity.keys, TEST_ISSUER, { role: 'auditor', name: 'kt.minh' })}` }
    const page = await call('get', '/admin/api/audit?limit=5', { headers: auditor })
    expect(page.events.length).toBeGreaterThan(0)
    await call('get', '/admin/api/audit/probing', { headers: auditor })
    const operator = { authorization: `Bearer ${await issueStaffToken(gw.identity.keys, TEST_ISSUER, { role: 'operator', name: 'op.lan' })}` }
    await call('get', '/admin/api/audit', { headers: operator }, 403)
  })
})
