import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { createGuardedRemoteKeySet } from './remote-jwks.node.js'
import { isInternalAddress, jwksUrlProblem } from './jwks-guard.js'

describe('jwksUri SSRF guard', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['203.113.1.1', false],
    ['2405:4800::1', false],
    ['example.gov.vn', false],
  ])('isInternalAddress(%s) = %s', (address, internal) => {
    expect(isInternalAddress(address)).toBe(internal)
  })

  const production = { allowedHosts: ['sso.hanoi.gov.vn'], production: true }
  it.each([
    ['https://sso.hanoi.gov.vn/jwks.json', production, null],
    ['http://sso.hanoi.gov.vn/jwks.json', production, /https/],
    ['https://user:pw@sso.hanoi.gov.vn/jwks.json', production, /credentials/],
    ['https://evil.example/jwks.json', production, /not in JWKS_ALLOWED_HOSTS/],
    ['https://169.254.169.254/latest/meta-data', { allowedHosts: ['169.254.169.254'], production: true }, /internal/],
    ['https://localhost/jwks.json', { allowedHosts: ['localhost'], production: true }, /internal/],
    ['https://any.example/jwks.json', { allowedHosts: [], production: true }, /requires JWKS_ALLOWED_HOSTS/],
    ['https://any.example/jwks.json', { allowedHosts: [], production: false }, null],
  ] as const)('%s', (url, options, problem) => {
    const found = jwksUrlProblem(new URL(url), { allowedHosts: [...options.allowedHosts], production: options.production })
    if (problem === null) expect(found).toBeNull()
    else expect(found).toMatch(problem)
  })

  it('a refused jwksUri verifies nothing, without a request', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k' }).sign(privateKey)
    // A loopback key server that would serve the right key: only the guard stands between them.
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256' }
    let requests = 0
    const server = createServer((_req, res) => {
      requests++
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const url = new URL(`http://127.0.0.1:${port}/jwks.json`)
      await expect(jwtVerify(token, createGuardedRemoteKeySet(production)(url))).rejects.toThrow()
      expect(requests).toBe(0)
      // Unguarded, the same server is reached and its key verifies: the zero above is the guard's.
      await expect(jwtVerify(token, createRemoteJWKSet(url))).resolves.toBeDefined()
      expect(requests).toBe(1)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
