/**
 * The console and the admin API under attack, over real HTTP on 127.0.0.1 with the
 * cookies production uses (`__Host-`, Secure): path traversal through every route that takes a
 * path segment or a name, and SQL injection through the audit explorer's filters. Session and
 * CSRF attacks are in admin-sessions.test.ts.
 */
import { stringify } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueStaffToken } from '../../gateway/admin/staff-token.js'
import { AUDITOR } from '../console/console-gateway.js'
import { TEST_ISSUER } from '../identity.js'
import { startAttackedConsole, type AttackedConsole } from './attacked-console.js'
import { expectRefusedSafely, LEAKS } from './raw-http.js'

let env: AttackedConsole
beforeAll(async () => {
  env = await startAttackedConsole()
  // Data requests, so the trail holds rows an injected filter would reveal.
  for (let i = 0; i < 3; i++) expect((await env.graphql(await env.gw.identity.token(), '{ __typename }')).status).toBe(200)
}, 60_000)
afterAll(() => env?.close())

/** As they go on the wire: plain, encoded once and twice, backslashes, NUL, overlong UTF-8 dots and slashes, absolute. */
const TRAVERSALS = [
  '../../etc/passwd',
  '../../../../../../../../etc/passwd',
  '%2e%2e/%2e%2e/package.json',
  '..%2f..%2fpackage.json',
  '%2e%2e%2f%2e%2e%2fpackage.json',
  '%252e%252e%252f%252e%252e%252fpackage.json',
  '..\\..\\package.json',
  '..%5c..%5cpackage.json',
  'package.json%00',
  '%00/../../package.json',
  '%c0%ae%c0%ae/%c0%ae%c0%ae/package.json',
  '%c0%ae%c0%ae%c0%afpackage.json',
  '%e0%80%ae%e0%80%ae%e0%80%afpackage.json',
  '....//....//package.json',
  '/etc/passwd',
]

describe('path traversal', () => {
  /** Every route prefix under which a path segment is read (an event id) or could be mistaken for a file. */
  const PREFIXES = ['/admin/', '/admin/policies/', '/admin/policies/edit/', '/admin/audit/', '/admin/audit/events/', '/admin/api/audit/', '/transparency/']

  it.each(TRAVERSALS)('%s in a path segment: 4xx, no file, no internals', async (payload) => {
    for (const prefix of PREFIXES) {
      for (const session of [env.op, env.au]) expectRefusedSafely(await env.get(`${prefix}${payload}`, session.cookie), `${prefix}${payload}`)
    }
  })

  it.each(TRAVERSALS)('%s as a name in a query: 4xx, no file, no internals', async (payload) => {
    for (const [path, session] of [
      [`/admin/policies/edit?file=${payload}`, env.op],
      [`/admin/policies/diff?a=${payload}&b=1`, env.op],
      [`/admin/policies/diff?a=1&b=${payload}`, env.op],
      [`/admin/audit/export?format=${payload}`, env.au],
    ] as const)
      expectRefusedSafely(await env.get(path, session.cookie), path)
  })

  it('refuses a policy file name that is a path, with the rule, and writes nothing', async () => {
    const text = stringify({ agency: 'ke-tan-cong', name: 'Kẻ tấn công', jurisdiction: { provinces: ['01'], communes: ['00097'] }, clients: [], grants: [] })
    const names = [
      '../package.json',
      '../../etc/passwd',
      '/etc/passwd',
      'agencies/../purposes.yaml',
      'agencies/../../ke-tan-cong.yaml',
      'agencies/..\\..\\ke-tan-cong.yaml',
      'agencies\\ke-tan-cong.yaml',
      'agencies/ke-tan-cong.yaml\0',
      'agencies/ke-tan-cong\0.yaml',
      'agencies/%2e%2e/ke-tan-cong.yaml',
      'agencies/ke-tan-cong/../x.yaml',
      'agencies/./ke-tan-cong.yaml',
      'agencies//ke-tan-cong.yaml',
      'C:\\Windows\\win.ini',
      'agencies/\u2025/ke-tan-cong.yaml',
      'agencies/\uff0e\uff0e/ke-tan-cong.yaml',
    ]
    const before = await env.policyState()
    for (const file of names) {
      const res = await env.post('/admin/policies/edit', env.op, { file, text, message: 'traversal' })
      expectRefusedSafely(res, file)
      expect(res.status, file).toBe(400)
      expect(res.body, file).toContain('file name: agencies/&lt;id&gt;.yaml or purposes.yaml')
    }
    expect(await env.policyState()).toEqual(before)
    // The same document under its proper name is accepted: the names alone were refused. (It is
    // previewed first, then applied on the confirmation the preview carries.)
    const preview = await env.post('/admin/policies/edit', env.op, { file: 'agencies/ke-tan-cong.yaml', text, message: 'control' })
    expect(preview.status).toBe(200)
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(preview.body)?.[1] ?? ''
    const applied = await env.post('/admin/policies/apply', env.op, {
      file: 'agencies/ke-tan-cong.yaml',
      text,
      message: 'control',
      base: field('base'),
      digest: field('digest'),
    })
    expect(applied.status).toBe(200)
    expect((await env.policyState()).versions).toBe(before.versions + 1)
  })

  it('refuses a policy version that is not a plain number (activate, diff) without touching the store', async () => {
    const before = await env.policyState()
    for (const version of ['abc', '1.5', '1e400', '2147483648', '99999999999999999999', '-1', '0x1', '../1', '1;drop table policy_versions', '']) {
      expectRefusedSafely(await env.post('/admin/policies/activate', env.op, { version }), `activate ${version}`)
      expectRefusedSafely(await env.get(`/admin/policies/diff?a=${encodeURIComponent(version)}&b=1`, env.op.cookie), `diff ${version}`)
    }
    expect(await env.policyState()).toEqual(before)
  })
})

describe('the audit explorer: filters are values, never SQL', () => {
  const INJECTIONS = [
    "x' OR '1'='1",
    "x'; delete from audit_events; --",
    'x" OR 1=1 --',
    "x') or ('a'='a",
    "%' or 1=1 --",
    "x'||(select pg_sleep(5))||'",
    'x/**/or/**/1=1',
    "x\\' or 1=1 --",
  ]
  const eventCount = async () => (await env.db.query<{ n: number }>('select count(*)::int as n from audit_events'))[0]!.n
  const explorer = (query: Record<string, string>) => env.get(`/admin/audit?${new URLSearchParams(query)}`, env.au.cookie)
  const exported = (query: Record<string, string>) => env.get(`/admin/audit/export?${new URLSearchParams({ format: 'jsonl', ...query })}`, env.au.cookie)

  it('matches an injected text filter literally: no rows, nothing deleted', async () => {
    expect((await explorer({})).body).toContain('id="events"')
    const before = await eventCount()
    for (const filter of ['agency', 'client', 'endUser', 'purpose', 'caseId', 'requestId']) {
      for (const value of INJECTIONS) {
        const page = await explorer({ [filter]: value })
        expect(page.status, `${filter}=${value}`).toBe(200)
        expect(page.body, `${filter}=${value}`).not.toContain('id="events"')
        const file = await exported({ [filter]: value })
        expect(file.status).toBe(200)
        expect(file.body, `${filter}=${value}`).toBe('')
      }
    }
    expect(await eventCount()).toBeGreaterThan(before)
  })

  it('refuses injections into typed filters and unknown filter names with a message, never a 5xx', async () => {
    for (const [name, value] of [
      ['limit', '1; drop table audit_events'],
      ['limit', '1 or 1=1'],
      ['decision', "granted' OR 1=1--"],
      ['code', 'FORBIDDEN; --'],
      ['kind', "x' or '1'='1"],
      ['subject', "001' or 1=1"],
      ['from', "2026-01-01' or 1=1--"],
      ['to', '2026-01-01; select 1'],
      ['cursor', "'; select pg_sleep(5)--"],
      ["agency' --", 'x'],
    ]) {
      const page = await explorer({ [name!]: value! })
      expectRefusedSafely(page, `${name}=${value}`)
      expect(page.body).toMatch(/role="alert">[^<]+</)
      // The export pages by itself and sets its own limit: a given one is not read there.
      if (name !== 'limit') expectRefusedSafely(await exported({ [name!]: value! }), `export ${name}=${value}`)
    }
  })

  it('refuses dates and cursors the database cannot read with 400, in the explorer, the export and the API', async () => {
    const cursor = (at: string) => btoa(JSON.stringify({ at, writer: 'w', seq: 1 })).replace(/=+$/, '')
    const staff = await issueStaffToken(env.gw.identity.keys, TEST_ISSUER, { role: 'auditor', name: AUDITOR.name })
    for (const query of <Array<Record<string, string>>>[
      { from: '0000-01-01' },
      { to: '0001-01-01T00:30:00+01:00' },
      { cursor: cursor('0') },
      { cursor: cursor('2020-01-01 BC') },
      { cursor: cursor('Tue, 1 Jan 2999 00:00:00 GMT+9999') },
    ]) {
      const what = JSON.stringify(query)
      expect((await explorer(query)).status, what).toBe(400)
      expect((await exported(query)).status, what).toBe(400)
      const api = await env.get(`/admin/api/audit?${new URLSearchParams(query)}`, '', { authorization: `Bearer ${staff}` })
      expect(api.status, what).toBe(400)
      expect(api.body).not.toMatch(LEAKS)
    }
  })
})
