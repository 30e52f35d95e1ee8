/**
 * A source's retry policy (`retries` in its mapping) within the gateway's resilience: a source
 * whose reads are costly says fewer attempts, and gets them; it can never get more than the
 * gateway allows. Against a server on 127.0.0.1 that fails every call with 503, counting them.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { typeDefs } from '../../schemas/index.js'
import { canonicalCatalog } from './canonical-catalog.js'
import { createDescribedConnector } from './connector.js'
import { loadDescribedConnector } from './load.js'
import { PIN, restDescription, restMapping } from './rest-source.fixture.js'

let calls = 0
let server: Server
let base: string
beforeAll(async () => {
  server = createServer((_req, res) => {
    calls++
    res.writeHead(503).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})
beforeEach(() => {
  calls = 0
})

const plan = (retries: string) =>
  loadDescribedConnector(
    {
      folder: 'ho-so',
      mapping: { file: 'mapping.yaml', text: restMapping(`auth: { kind: none }\n${retries}`) },
      readDescription: (name) => (name === 'openapi.yaml' ? { file: 'openapi.yaml', text: restDescription('') } : undefined),
    },
    canonicalCatalog(typeDefs),
  )

describe("a source's retry policy", () => {
  it.each<[string, string, { retries?: number } | undefined, number]>([
    ['the gateway’s (2 retries) when the mapping says nothing', '', {}, 3],
    ['none, when the mapping says 0', 'retries: { attempts: 0 }', {}, 1],
    ['one, when the mapping says 1', 'retries: { attempts: 1, delayMs: 10 }', {}, 2],
    ['never more than the gateway allows', 'retries: { attempts: 3 }', { retries: 1 }, 2],
    ['none without the gateway’s resilience (a test, a CLI check)', 'retries: { attempts: 3 }', undefined, 1],
  ])('gives %s', async (_name, retries, resilience, attempts) => {
    const source = createDescribedConnector(plan(retries), {
      baseUrl: base,
      timeoutMs: 2000,
      ...(resilience ? { resilience: { ...resilience, retryDelayMs: 10 } } : {}),
    })
    await expect(source.lookup('caseFile', PIN, { requestId: 'req-retries' })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
    expect(calls).toBe(attempts)
  })

  it('refuses a policy outside what a registry can bear', () => {
    expect(() => plan('retries: { attempts: 9 }')).toThrow(/retries\.attempts/)
  })
})
