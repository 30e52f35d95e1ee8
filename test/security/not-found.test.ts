/**
 * A 404 says that nothing is there, and nothing else: not the path, not the method, not the id
 * or the version that was asked for. Whatever a caller puts in the URL (markup, a token pasted by
 * mistake, a PIN) is never reflected in the answer. Every kind of not-found the gateway has: an
 * unknown route anywhere (API, REST, admin API, console), a console event or policy version that
 * does not exist. Over real HTTP, so paths a browser would normalise reach the gateway as sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueStaffToken } from '../../gateway/admin/staff-token.js'
import { AUDITOR } from '../console/console-gateway.js'
import { TEST_ISSUER } from '../identity.js'
import { startAttackedConsole, type AttackedConsole } from './attacked-console.js'
import { LEAKS, rawRequest } from './raw-http.js'

let env: AttackedConsole
let staffToken = ''
beforeAll(async () => {
  env = await startAttackedConsole()
  staffToken = await issueStaffToken(env.gw.identity.keys, TEST_ISSUER, { name: AUDITOR.name, role: 'auditor' })
}, 60_000)
afterAll(() => env?.close())

/** Distinctive text for each probe: found in an answer only if the answer echoes the request. */
const MARKER = 'Zq7marker'
const probes = [
  `/${MARKER}`,
  `/${MARKER}/001085000101`,
  `/<script>alert('${MARKER}')</script>`,
  `/%3Cb%3E${MARKER}%3C/b%3E`,
  `/h%E1%BB%93-s%C6%A1-${MARKER}`,
  `/${MARKER}?pin=001085000101`,
]

describe('unknown routes', () => {
  const prefixes = [
    '',
    '/graphql',
    '/oauth',
    '/.well-known',
    '/v1',
    '/v1/access-history',
    '/admin/api',
    '/admin/api/audit',
    '/admin',
    '/admin/audit/events/x',
    '/healthz',
  ]
  const messages = new Set<string>()

  it.each(prefixes)('under %s: 404 NOT_FOUND, nothing of the request echoed', async (prefix) => {
    for (const probe of probes) {
      for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) {
        const path = `${prefix}${probe}`
        // The console's own guards answer first under /admin (sessions, CSRF): that is no echo either.
        const headers: Record<string, string> = prefix.startsWith('/admin/api')
          ? { authorization: `Bearer ${staffToken}` }
          : prefix.startsWith('/admin')
            ? { cookie: env.au.cookie }
            : {}
        const res =
          method === 'GET'
            ? await rawRequest(env.url, method, path, headers)
            : await rawRequest(env.url, method, path, { ...headers, 'content-type': 'application/json' }, '{}')
        const what = `${method} ${path} → ${res.status} ${res.body.slice(0, 200)}`
        expect(res.body, what).not.toContain(MARKER)
        expect(res.body, what).not.toContain('001085000101')
        expect(res.body, what).not.toMatch(/<script|<b>|hồ-sơ|h%E1/)
        expect(res.body, what).not.toMatch(LEAKS)
        expect(res.status, what).toBeLessThan(500)
        if (res.status === 404) {
          const body = JSON.parse(res.body) as { error: { code: string; message: string } }
          expect(body.error.code, what).toBe('NOT_FOUND')
          messages.add(body.error.message)
        }
      }
    }
  })

  it('with one message for every unknown route', () => {
    expect(messages.size).toBe(1)
  })
})

describe('console pages for things that do not exist', () => {
  it('an audit event id: 404, the id not echoed', async () => {
    const id = '7d3f0c9e-5b1a-4c2e-9f4d-0a1b2c3d4e5f'
    for (const asked of [id, MARKER, `${MARKER}%3Cscript%3E`]) {
      const res = await env.get(`/admin/audit/events/${asked}`, env.au.cookie)
      expect(res.status, res.body.slice(0, 200)).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      expect(res.body).not.toContain(MARKER)
      if (asked === id) expect(res.body).not.toContain(id)
    }
  })

  it('a policy version: 404, the version not echoed', async () => {
    const res = await env.get('/admin/policies/diff?a=987654&b=987653', env.op.cookie)
    expect(res.status).toBe(404)
    expect(res.body).not.toMatch(/98765[34]/)
  })
})
