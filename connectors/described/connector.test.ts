/**
 * The engine against real HTTP on 127.0.0.1: the social insurance connector (files only) over the
 * replay sandbox generated from its own description, and over scripted registries that answer
 * outside the description, fail, or hang.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { typeDefs } from '../../schemas/index.js'
import { isConnectorError, type RegistryConnector, type RequestScope, type UpstreamCall } from '../kit/index.js'
import { serveSandbox, type SandboxServer } from '../kit/sandbox/index.js'
import { canonicalCatalog } from './canonical-catalog.js'
import { createDescribedConnector } from './connector.js'
import { readDescribedFolder } from './folders.node.js'
import { readOpenApi } from './openapi.js'
import type { ConnectorPlan } from './plan.js'
import { createReplaySandbox } from './replay-sandbox.js'

const root = join(import.meta.dirname, '..')
const KEY = 'sandbox-social-insurance-key'
const FOUND = '001085999001'
const YEAR_ONLY = '001190999002'
const MISSING = '001099999999'

let plan: ConnectorPlan
let sandbox: SandboxServer
let connector: RegistryConnector

function scope(calls?: UpstreamCall[]): RequestScope {
  return { requestId: `t-${crypto.randomUUID()}`, ...(calls ? { recordCall: (call: UpstreamCall) => calls.push(call) } : {}) }
}
const loaderOf = (c: RegistryConnector, s: RequestScope) =>
  (c.createLoaders(s) as Record<string, { load(key: string): Promise<unknown>; loadMany(keys: string[]): Promise<unknown[]> }>)[
    'social-insurance:socialInsuranceRecord'
  ]!

beforeAll(async () => {
  plan = readDescribedFolder(root, 'social-insurance', canonicalCatalog(typeDefs))
  const description = readOpenApi(readFileSync(join(root, 'social-insurance', 'openapi.yaml'), 'utf8'), 'openapi.yaml')
  sandbox = await serveSandbox('social-insurance', createReplaySandbox(description, { apiKey: KEY }))
  connector = createDescribedConnector(plan, { baseUrl: sandbox.url, apiKey: KEY, timeoutMs: 5000 })
})
afterAll(() => sandbox?.close())

describe('a described connector over its replay sandbox', () => {
  it('maps a record: renamed fields, title-cased name, compact date, codes, nested periods, amounts as Decimal', async () => {
    const calls: UpstreamCall[] = []
    const record = await loaderOf(connector, scope(calls)).load(FOUND)
    expect(record).toEqual({
      code: '3199990001',
      pin: FOUND,
      name: 'Nguyễn Văn Thử',
      birthDate: '1985-03-15',
      sex: 'MALE',
      provinceCode: '01',
      communeCode: '00004',
      status: 'ACTIVE',
      periods: [
        {
          fromMonth: '2008-07',
          toMonth: '2015-12',
          employer: 'CÔNG TY TNHH THỬ NGHIỆM MẪU',
          employerCode: 'TA9990001',
          salary: '5400000',
          kind: 'COMPULSORY_SOCIAL',
        },
        {
          fromMonth: '2016-01',
          toMonth: null,
          employer: 'CÔNG TY CỔ PHẦN DỮ LIỆU GIẢ LẬP',
          employerCode: 'TA9990002',
          salary: '12500000',
          kind: 'COMPULSORY_SOCIAL',
        },
      ],
    })
    expect(calls).toEqual([expect.objectContaining({ connector: 'social-insurance', operation: 'social-insurance.traCuuSoBhxh', status: 200 })])
  })

  it('keeps leading zeros and a year-only birth date as the registry wrote them', async () => {
    const record = (await loaderOf(connector, scope()).load(YEAR_ONLY)) as Record<string, unknown>
    expect(record).toMatchObject({ code: '0199990002', birthDate: '1990', communeCode: '00097', sex: 'FEMALE', status: 'ENDED' })
  })

  it('answers null for a PIN the registry has no book for (its described 404)', async () => {
    expect(await loaderOf(connector, scope()).load(MISSING)).toBeNull()
  })

  it('reads many keys in one batch call, answers in request order, a missing key as null', async () => {
    const calls: UpstreamCall[] = []
    const records = (await loaderOf(connector, scope(calls)).loadMany([FOUND, MISSING, YEAR_ONLY])) as Array<Record<string, unknown> | null>
    expect(records.map((r) => r?.pin ?? null)).toEqual([FOUND, null, YEAR_ONLY])
    expect(calls.map((c) => c.operation)).toEqual(['social-insurance.traCuuLoSoBhxh'])
  })

  it('reports healthy, and an unreachable registry as not', async () => {
    expect(await connector.health()).toMatchObject({ ok: true })
    const nowhere = createDescribedConnector(plan, { baseUrl: 'http://127.0.0.1:9', apiKey: KEY, timeoutMs: 1000 })
    expect(await nowhere.health()).toMatchObject({ ok: false, detail: 'UPSTREAM_UNAVAILABLE' })
  })

  it('is refused without its key, and a refused key is UPSTREAM_UNAVAILABLE naming the connector', async () => {
    expect(() => createDescribedConnector(plan, { baseUrl: sandbox.url })).toThrow(/API key/)
    const wrong = createDescribedConnector(plan, { baseUrl: sandbox.url, apiKey: 'not-the-key', timeoutMs: 5000 })
    const error = await loaderOf(wrong, scope())
      .load(FOUND)
      .catch((e: unknown) => e)
    expect(isConnectorError(error) && [error.code, error.connector, error.context.status]).toEqual(['UPSTREAM_UNAVAILABLE', 'social-insurance', 401])
  })
})

/** A registry that answers every request with what the case scripts (or never, for `hang`). */
async function scripted(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(answer)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const person = {
  maSoBhxh: '3199990001',
  soDinhDanh: FOUND,
  hoTen: 'NGUYỄN VĂN THỬ',
  ngaySinh: '19850315',
  loaiNgaySinh: 0,
  gioiTinh: 1,
  trangThai: '1',
  quaTrinhThamGia: [],
}
const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

describe('a described connector over a registry that does not keep to its description', () => {
  // Each row: what the registry answers, and the typed error the caller gets instead of data.
  const cases: Array<[string, (req: IncomingMessage, res: ServerResponse) => void, string]> = [
    ['a number where the description says text', json(200, { maLoi: '00', duLieu: { ...person, maSoBhxh: 3199990001 } }), 'UPSTREAM_BAD_RESPONSE'],
    ['a code outside the described enum', json(200, { maLoi: '00', duLieu: { ...person, gioiTinh: 7 } }), 'UPSTREAM_BAD_RESPONSE'],
    ['a required field missing', json(200, { maLoi: '00', duLieu: { ...person, hoTen: undefined } }), 'UPSTREAM_BAD_RESPONSE'],
    ['an impossible date the schema lets through', json(200, { maLoi: '00', duLieu: { ...person, ngaySinh: '19850230' } }), 'UPSTREAM_BAD_RESPONSE'],
    ['a PIN that is not one', json(200, { maLoi: '00', duLieu: { ...person, soDinhDanh: '00108599900' } }), 'UPSTREAM_BAD_RESPONSE'],
    ['not JSON', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('<html>'), 'UPSTREAM_BAD_RESPONSE'],
    ['an envelope that does not report success', json(200, { maLoi: '99', moTaLoi: 'Lỗi hệ thống', duLieu: person }), 'UPSTREAM_UNAVAILABLE'],
    ['a 500', json(500, { maLoi: '99' }), 'UPSTREAM_UNAVAILABLE'],
    ['a 418 it does not describe', json(418, { maLoi: '18' }), 'UPSTREAM_BAD_RESPONSE'],
    ['another person’s record for the PIN asked', json(200, { maLoi: '00', duLieu: { ...person, soDinhDanh: YEAR_ONLY } }), 'UPSTREAM_BAD_RESPONSE'],
    ['a 404 that is not the registry’s own (a proxy’s)', json(404, { message: 'no Route matched with those values' }), 'UPSTREAM_BAD_RESPONSE'],
    ['a 200 whose record is null', json(200, { maLoi: '00', moTaLoi: 'OK', duLieu: null }), 'UPSTREAM_BAD_RESPONSE'],
  ]
  it.each(cases)('%s → %s', async (_name, answer, code) => {
    const registry = await scripted(answer)
    try {
      const c = createDescribedConnector(plan, { baseUrl: registry.url, apiKey: KEY, timeoutMs: 5000 })
      const error = await loaderOf(c, scope())
        .load(FOUND)
        .catch((e: unknown) => e)
      expect(isConnectorError(error) && [error.code, error.connector]).toEqual([code, 'social-insurance'])
      // Logs get the path of the problem, never the value read (it may be personal data).
      if (isConnectorError(error)) expect(JSON.stringify(error.context)).not.toContain(FOUND.slice(3))
    } finally {
      await registry.close()
    }
  })

  it('a batch that answers a key it was not asked for fails the batch, never mixes records up', async () => {
    const registry = await scripted(json(200, { maLoi: '00', duLieu: [{ ...person, soDinhDanh: '001085999777' }] }))
    try {
      const c = createDescribedConnector(plan, { baseUrl: registry.url, apiKey: KEY, timeoutMs: 5000 })
      const results = await loaderOf(c, scope()).loadMany([FOUND, YEAR_ONLY])
      expect(results.map((r) => (isConnectorError(r) ? r.code : r))).toEqual(['UPSTREAM_BAD_RESPONSE', 'UPSTREAM_BAD_RESPONSE'])
    } finally {
      await registry.close()
    }
  })

  it('one unreadable record in a batch fails its own key only', async () => {
    const broken = { ...person, soDinhDanh: YEAR_ONLY, ngaySinh: '19901340' }
    const registry = await scripted(json(200, { maLoi: '00', duLieu: [person, broken] }))
    try {
      const c = createDescribedConnector(plan, { baseUrl: registry.url, apiKey: KEY, timeoutMs: 5000 })
      const [first, second] = await loaderOf(c, scope()).loadMany([FOUND, YEAR_ONLY])
      expect(first).toMatchObject({ pin: FOUND })
      expect(isConnectorError(second) && second.code).toBe('UPSTREAM_BAD_RESPONSE')
    } finally {
      await registry.close()
    }
  })

  it('a registry that never answers is UPSTREAM_TIMEOUT at its deadline', async () => {
    const registry = await scripted(() => undefined)
    try {
      const c = createDescribedConnector(plan, { baseUrl: registry.url, apiKey: KEY, timeoutMs: 300 })
      const error = await loaderOf(c, scope())
        .load(FOUND)
        .catch((e: unknown) => e)
      expect(isConnectorError(error) && error.code).toBe('UPSTREAM_TIMEOUT')
    } finally {
      await registry.close()
    }
  })
})
