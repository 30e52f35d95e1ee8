/**
 * `lgsp connector new` and `lgsp connector check`, run as an operator runs them (the CLI process,
 * real files, the replay sandbox on 127.0.0.1).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { REPLAY_SANDBOX_API_KEY, startReplaySandboxes } from '../connectors/sandboxes.js'
import { servedCanonical } from '../gateway/entry/canonical.js'
import { landWsdl } from '../connectors/land/sandbox/wsdl.js'
import { MAPPING_WITH_ACCOUNT, WSDL_WITH_ACCOUNT } from '../connectors/described/soap-source.fixture.js'
import { mkdirSync } from 'node:fs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const work = mkdtempSync(join(tmpdir(), 'lgsp-connector-cli-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

interface Result {
  code: number
  stdout: string
  stderr: string
}

function lgsp(...args: string[]): Promise<Result> {
  return new Promise((done) => {
    // Without UPSTREAM_SOCIAL_INSURANCE_*: check uses the replay sandbox unless told a URL.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('UPSTREAM_')))
    execFile(process.execPath, ['bin/lgsp.js', 'connector', ...args], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
    })
  })
}

describe('lgsp connector', () => {
  it('check loads the shipped connector and shows the replay sandbox’s records as the gateway maps them', async () => {
    const result = await lgsp('check', 'social-insurance')
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('social-insurance: the files load (1 root field, 2 types)')
    expect(result.stdout).toContain('health (kiemTraKetNoi): ok')
    expect(result.stdout).toContain('"name": "Nguyễn Văn Thử"')
    expect(result.stdout).toContain('"birthDate": "1990"')
    expect(result.stdout).toMatch(/socialInsuranceRecord\(pin: "001099999999"\) →\nnull/)
  })

  it('check against a live source shows which fields came, never what they hold', async () => {
    // A source the CLI treats as live: the replay sandbox, given by URL.
    const replay = await startReplaySandboxes(servedCanonical().plans)
    try {
      const result = await lgsp(
        'check',
        'social-insurance',
        '--url',
        replay.urls.get('social-insurance')!,
        '--api-key',
        REPLAY_SANDBOX_API_KEY,
        '--key',
        '001085999001',
      )
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).toContain('"pin": "present"')
      expect(result.stdout).toContain('"fromMonth": "present"')
      // Not even codes or lengths: those too say something about a person.
      expect(result.stdout).not.toContain('ACTIVE')
      expect(result.stdout).not.toContain('characters')
      expect(result.stdout).not.toContain('001085999001')
      expect(result.stdout).not.toContain('Thử')
    } finally {
      await replay.close()
    }
  })

  it('new writes a folder from an OpenAPI description whose stub check then refuses line by line', async () => {
    const made = await lgsp('new', '--from', 'openapi', join(root, 'connectors', 'social-insurance', 'openapi.yaml'), '--name', 'bhxh-thu', '--dir', work)
    expect(made.code, made.stderr).toBe(0)
    expect(readdirSync(join(work, 'bhxh-thu')).sort()).toEqual(['README.md', 'mapping.yaml', 'openapi.yaml'])
    const mapping = readFileSync(join(work, 'bhxh-thu', 'mapping.yaml'), 'utf8')
    // Every operation and the fields of its answers are listed for the person completing it.
    for (const line of [
      'traCuuSoBhxh: GET /apiBHXH/v1/so-bhxh/{soDinhDanh}',
      'traCuuLoSoBhxh: POST',
      'answers duLieu.gioiTinh: integer (codes: 1, 2, 3)',
      'auth: { kind: apiKey, header: X-API-Key }',
    ])
      expect(mapping).toContain(line)
    const checked = await lgsp('check', 'bhxh-thu', '--dir', work)
    expect(checked.code).toBe(1)
    expect(checked.stderr).toMatch(/mapping\.yaml:\d+:\d+: query\.bhxhThuRecord\.result: TODO does not exist in traCuuSoBhxh's answer/)
    expect(checked.stderr).not.toContain('is not read by any root field')
    expect(
      (await lgsp('new', '--from', 'openapi', join(root, 'connectors', 'social-insurance', 'openapi.yaml'), '--name', 'bhxh-thu', '--dir', work)).stderr,
    ).toContain('already exists')
  })

  it('new writes a folder from a WSDL whose stub check then refuses line by line', async () => {
    const wsdl = join(work, 'DatDai.wsdl')
    writeFileSync(wsdl, landWsdl('http://127.0.0.1:1/ws/DatDai.asmx'))
    const made = await lgsp('new', '--from', 'wsdl', wsdl, '--name', 'dat-dai-thu', '--dir', work)
    expect(made.code, made.stderr).toBe(0)
    expect(readdirSync(join(work, 'dat-dai-thu')).sort()).toEqual(['README.md', 'mapping.yaml', 'service.wsdl'])
    const mapping = readFileSync(join(work, 'dat-dai-thu', 'mapping.yaml'), 'utf8')
    // Every operation, what it takes in its body and what it answers, as the WSDL's schema says.
    for (const line of [
      'TraCuuThuaDat: POST /ws/DatDai.asmx',
      'takes body MaThuaDat: string',
      'SoToBanDo: integer',
      'description: service.wsdl',
      // First guesses: the operation that takes nothing for health, the one that takes one value as the lookup.
      'health: { operation: KiemTraKetNoi }',
      'operation: TraCuuThuaDat',
    ])
      expect(mapping).toContain(line)
    const checked = await lgsp('check', 'dat-dai-thu', '--dir', work)
    expect(checked.code).toBe(1)
    expect(checked.stderr).toMatch(/mapping\.yaml:\d+:\d+: query\.datDaiThuRecord\.result: TODO does not exist in TraCuuThuaDat's answer/)
    // A broken WSDL is refused with its place.
    writeFileSync(wsdl, '<definitions>')
    const broken = await lgsp('new', '--from', 'wsdl', wsdl, '--name', 'dat-dai-hong', '--dir', work)
    expect(broken.code).toBe(1)
    expect(readdirSync(work)).not.toContain('dat-dai-hong')
  })

  it('check asks a SOAP source with its account from the settings, and says which to set when they are missing', async () => {
    mkdirSync(join(work, 'ho-tich'))
    writeFileSync(join(work, 'ho-tich', 'mapping.yaml'), MAPPING_WITH_ACCOUNT)
    writeFileSync(join(work, 'ho-tich', 'service.wsdl'), WSDL_WITH_ACCOUNT)
    const unset = await lgsp('check', 'ho-tich', '--dir', work, '--url', 'http://127.0.0.1:9/')
    expect(unset.code).toBe(1)
    expect(unset.stderr).toContain('ho-tich: its mapping asks for an account; set UPSTREAM_HO_TICH_USERNAME and UPSTREAM_HO_TICH_PASSWORD')
    expect(unset.stderr).not.toMatch(/\n\s+at /)
    const noUrl = await lgsp('check', 'ho-tich', '--dir', work)
    expect(noUrl.stderr).toContain('a SOAP source has no replay sandbox yet')
  })

  it.each([
    [['new', '--from', 'soap', 'x.wsdl', '--name', 'ho-tich'], 2, /Usage/],
    [['new', '--from', 'openapi', 'x.yaml', '--name', 'Bad_Name'], 2, /lower-case letters/],
    [['check', 'khong-co'], 1, /no connector khong-co/],
    [['frobnicate'], 2, /Usage/],
  ])('refuses %j', async (args, code, message) => {
    const result = await lgsp(...args)
    expect(result.code).toBe(code)
    expect(result.stderr).toMatch(message)
  })
})
