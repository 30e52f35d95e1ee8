/**
 * The published contract is the code's: the committed documents under docs/contract are what
 * `lgsp contract export` generates now (run it after changing a schema), the JSON Schema compiles
 * under a well-kept validator, and every message a dossier's whole path puts in the outbox
 * validates against it. The OpenAPI document is valid OpenAPI 3.1, served as exported, and says
 * what the gateway actually does: the headers of a push, the message it carries, the routes.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { buildSchema } from 'graphql'
import { exportJWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signPush, stepMessageSchema, verifyPush } from '../connectors/index.js'
import { PUSH_SIGNATURE_ALG } from '../connectors/partners/signatures.js'
import { CONTRACT_VERSION, contractDocuments as documentsFor } from '../gateway/contract/index.js'
import { servedCanonical } from '../gateway/entry/canonical.js'
import { migrate, type Database } from '../gateway/database/index.js'
import { openPglite } from '../gateway/database/pglite.node.js'
import { codeToStatus, ErrorCode } from '../gateway/errors.js'
import { createDatabaseBlobStore, createDossierStore, createOutbox, type DossierStep } from '../gateway/exchange/index.js'
import { repoRoot } from './gateway-process.js'
import { createTestGateway, type TestGateway } from './harness.js'

/** The contract as the gateway publishes it: its schema is the served one, described sources included. */
const contractDocuments = () => documentsFor(servedCanonical().typeDefs)

describe('docs/contract', () => {
  it.each(contractDocuments().map((document) => [document.name, document.text]))(
    '%s is what the code generates (run `npx lgsp contract export`)',
    (name, text) => {
      expect(readFileSync(join(repoRoot, 'docs', 'contract', name), 'utf8')).toBe(text)
    },
  )

  it('the SDL is a schema', () => {
    const sdl = contractDocuments().find((document) => document.name === 'schema.graphql')!.text
    expect(buildSchema(sdl).getMutationType()?.getFields().transferDossier).toBeDefined()
  })
})

describe('the step message schema', () => {
  let db: Database
  beforeAll(async () => {
    db = await openPglite()
    await migrate(db)
  })
  afterAll(async () => {
    await db?.close()
  })

  it('compiles, and every message of a dossier’s whole path validates against it (and against the code’s own check)', async () => {
    const schema = JSON.parse(contractDocuments().find((document) => document.name === 'step-message.schema.json')!.text) as object
    const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(schema)
    const store = createDossierStore(db)
    const code = 'G09.20-20261204-0000001'
    const part = { name: 'Đơn', copyType: 0 as const, mediaType: 'application/pdf', size: 10, sha256: 'a'.repeat(64) }
    await store.submit(
      { code, procedure: '1.004227', channel: 2, applicant: '001085000101', commune: '00097', dueAt: '2026-12-14T00:00:00.000Z' },
      { actor: 'mot-cua-a', officer: 'can-bo-1', parts: [part] },
    )
    const path: Array<[Exclude<DossierStep, 'submit'>, string, string?]> = [
      ['accept', 'mot-cua-a'],
      ['transfer', 'mot-cua-a', 'so-b'],
      ['askFees', 'so-b'],
      ['confirmFees', 'mot-cua-a'],
      ['requestSupplement', 'so-b'],
      ['supplement', 'mot-cua-a'],
      ['addProgress', 'so-b'],
      ['finish', 'so-b'],
      ['returnResult', 'mot-cua-a'],
    ]
    for (const [step, actor, target] of path) {
      const result = await store.step(code, step, {
        actor,
        note: `${step} note`,
        ...(target ? { target } : {}),
        ...(step === 'supplement' ? { parts: [part] } : {}),
      })
      expect(result.ok).toBe(true)
    }
    const messages = await store.outbox(code)
    expect(messages.length).toBeGreaterThan(path.length)
    for (const message of messages) {
      expect(validate(message.payload), JSON.stringify(validate.errors)).toBe(true)
      expect(stepMessageSchema.safeParse(message.payload).success).toBe(true)
    }
    // And it is strict: a field the contract does not name fails.
    expect(validate({ ...messages[0]!.payload, extra: 1 })).toBe(false)
  })
})

const documentText = (name: string) => contractDocuments().find((document) => document.name === name)!.text
const openapi = () => JSON.parse(documentText('partner-openapi.json')) as Record<string, any>

describe('the partner OpenAPI document', () => {
  it('is valid OpenAPI 3.1 under @seriousme/openapi-schema-validator, every $ref resolving', async () => {
    const validator = new Validator()
    const result = await validator.validate(openapi())
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined()
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
    expect(() => validator.resolveRefs()).not.toThrow()
    // And the validator can fail: a response that is not an object is refused.
    const spoiled = openapi()
    spoiled.webhooks.dossierStep.post.responses = 'ok'
    expect((await new Validator().validate(spoiled)).valid).toBe(false)
  })

  it('carries the contract’s version, and the step message schema whole, as its own document has it', () => {
    const document = openapi()
    expect(document.info.version).toBe(CONTRACT_VERSION)
    expect(document.info.description).toContain('Hợp đồng tích hợp LGSP')
    expect(document.components.schemas.StepMessage).toEqual(JSON.parse(documentText('step-message.schema.json')))
  })

  it('names the closed set of error codes, with the HTTP status of each, from the code', () => {
    const { ErrorCode: codes } = openapi().components.schemas
    expect(codes.enum).toEqual(ErrorCode.options)
    expect(codes['x-lgsp-http-status']).toEqual(codeToStatus)
    for (const code of ErrorCode.options) expect(codes.description).toContain(`| \`${code}\` | ${codeToStatus[code]} |`)
  })

  it('matches what the gateway sends: a push signed by signPush carries every header the document requires, as it describes them', async () => {
    const push = openapi().webhooks.dossierStep.post
    const signing = push['x-lgsp-signature']
    expect(signing.alg).toBe(PUSH_SIGNATURE_ALG)
    const required: Array<{ name: string; schema: object }> = push.parameters.filter((p: any) => p.in === 'header' && p.required)
    expect(required.map((p) => p.name).sort()).toEqual(['Content-Digest', 'Idempotency-Key', 'Signature', 'Signature-Input'])
    expect(push.requestBody.required).toBe(true)

    const message = stepMessageSchema.parse(sampleMessage())
    const body = JSON.stringify(message)
    const { privateKey, publicKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])
    const url = 'https://mot-cua.example.test/lgsp/push'
    const headers = await signPush({ url, body, messageId: message.messageId, key: { kid: 'gw-test', privateKey } })
    const ajv = new Ajv2020({ strict: false, validateFormats: false })
    for (const { name, schema } of required) {
      const value = headers[name.toLowerCase()]
      expect(value, name).toBeDefined()
      expect(ajv.validate(schema, value), `${name}: ${value}`).toBe(true)
    }
    expect(Object.keys(push.requestBody.content)).toEqual([headers['content-type']])
    expect(headers['idempotency-key']).toBe(`"${message.messageId}"`)
    const covered = signing.covered.map((name: string) => `"${name}"`).join(' ')
    const input = headers['signature-input']!
    expect(input.startsWith(`${signing.label}=(${covered});`)).toBe(true)
    for (const param of signing.params) expect(input).toMatch(new RegExp(`;${param}=`))
    expect(input).toContain(`;alg="${signing.alg}"`)
    expect(input).toContain(`;tag="${signing.tag}"`)
    const created = Number(/;created=(\d+)/.exec(input)![1])
    expect(Number(/;expires=(\d+)/.exec(input)![1]) - created).toBe(signing.ttlSeconds)
    expect(push.parameters.find((p: any) => p.name === 'Signature-Input').example).toMatch(
      new RegExp(`^${signing.label}=\\(${covered.replace(/[()]/g, '\\$&')}\\);`),
    )
    // And a receiver following the document accepts it.
    const jwk = { ...(await exportJWK(publicKey)), kid: 'gw-test', alg: 'ES256' }
    expect(await verifyPush({ method: 'POST', url, headers, body }, [jwk])).toEqual({ ok: true, kid: 'gw-test' })
  })

  it('a step message, and the document’s own example, validate against components/schemas/StepMessage', () => {
    const document = openapi()
    const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(document.components.schemas.StepMessage)
    const sample = stepMessageSchema.parse(sampleMessage())
    expect(validate(sample), JSON.stringify(validate.errors)).toBe(true)
    const example = document.webhooks.dossierStep.post.requestBody.content['application/json'].example
    expect(stepMessageSchema.safeParse(example).success).toBe(true)
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true)
    expect(validate({ ...sample, parts: [{ ...sample.parts[0], sha256: 'not-a-hash' }] })).toBe(false)
  })
})

describe('the contract, served', () => {
  let db: Database
  let gw: TestGateway
  beforeAll(async () => {
    db = await openPglite()
    await migrate(db)
    gw = await createTestGateway({ described: true, exchange: { store: createDossierStore(db), blobs: createDatabaseBlobStore(db), outbox: createOutbox(db) } })
  }, 60_000)
  afterAll(async () => {
    await gw?.close()
    await db?.close()
  })

  it('GET /v1/contract: its version and every document with its URL, without a token', async () => {
    const res = await gw.app.request('/v1/contract')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=300')
    const index = (await res.json()) as { version: string; documents: Array<{ name: string; mediaType: string; url: string }> }
    expect(`${index.version}\n`).toBe(readFileSync(join(repoRoot, 'docs', 'contract', 'VERSION'), 'utf8'))
    expect(index.documents.map((document) => document.name).sort()).toEqual(readdirSync(join(repoRoot, 'docs', 'contract')).sort())
    for (const document of index.documents) expect(document.url).toBe(`/v1/contract/${document.name}`)
  })

  it.each(contractDocuments().map((document) => [document.name, document.mediaType]))(
    'GET /v1/contract/%s is the exported file, as %s',
    async (name, mediaType) => {
      const res = await gw.app.request(`/v1/contract/${name}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')?.split(';')[0]).toBe(mediaType)
      expect(res.headers.get('cache-control')).toBe('public, max-age=300')
      expect(await res.text()).toBe(readFileSync(join(repoRoot, 'docs', 'contract', name), 'utf8'))
    },
  )

  it('an unknown document is a 404 in the error contract, which does not repeat the name', async () => {
    const res = await gw.app.request('/v1/contract/%3Cscript%3E.json')
    expect(res.status).toBe(404)
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } }
    expect(body.error.code).toBe('NOT_FOUND')
    expect(body.error.requestId).toBeTruthy()
    expect(body.error.message).not.toContain('script')
  })

  it('every path and method the document names is served (none falls to the catch-all 404)', async () => {
    const paths = openapi().paths as Record<string, Record<string, unknown>>
    const calls = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'put', 'post'].includes(method))
        .map((method) => [method.toUpperCase(), path.replace('{sha256}', 'a'.repeat(64)).replace('{name}', 'VERSION')] as const),
    )
    expect(calls.length).toBeGreaterThanOrEqual(8)
    for (const [method, path] of calls) {
      const res = await gw.app.request(path, { method, ...(method === 'GET' ? {} : { body: '' }) })
      const text = await res.text()
      expect(text, `${method} ${path}`).not.toContain('Nothing is served at this address')
    }
  })
})

/** A step message as the gateway would push it (parsed by the code's own check before use). */
function sampleMessage() {
  return {
    messageId: crypto.randomUUID(),
    dossier: 'G09.20-20261204-0000001',
    seq: 3,
    step: 'transfer',
    status: 4,
    statusName: 'PROCESSING',
    holder: 'so-b',
    agency: 'mot-cua-a',
    officer: 'can-bo-1',
    note: 'Chuyển Sở xử lý',
    at: '2026-12-05T03:00:00.000Z',
    procedure: '1.004227',
    channel: 2,
    applicant: '001085000101',
    commune: '00097',
    receivingAgency: 'mot-cua-a',
    handlingAgency: 'so-b',
    receivedAt: '2026-12-04T01:00:00.000Z',
    dueAt: '2026-12-14T00:00:00.000Z',
    finishedAt: null,
    version: 3,
    parts: [{ name: 'Đơn', copyType: 0, mediaType: 'application/pdf', size: 10, sha256: 'b'.repeat(64), signature: { status: 'UNSIGNED' } }],
  }
}
