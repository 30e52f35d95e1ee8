import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { fromLocalPeer, isLoopbackAddress, isLoopbackHost } from './local-peer.js'

describe('loopback, as a socket address and as a URL host', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.10.20.30', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['::FFFF:127.0.0.1', true],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['1127.0.0.1', false],
    ['127.0.0.1.evil.example', false],
    ['0.0.0.0', false],
    ['::', false],
    ['', false],
    [undefined, false],
  ])('address %j → %s', (address, loopback) => expect(isLoopbackAddress(address)).toBe(loopback))

  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['[::1]', true],
    ['::1', true],
    ['localhost.evil.example', false],
    ['127.0.0.1.nip.io', false],
    ['[::2]', false],
    ['example.gov.vn', false],
  ])('host %j → %s', (host, loopback) => expect(isLoopbackHost(host)).toBe(loopback))
})

describe('a client on this machine talks to the gateway directly', () => {
  const app = new Hono().get('/', (c) => c.text(String(fromLocalPeer(c, () => c.req.header('x-test-peer')))))
  it.each([
    ['loopback, nothing forwarded', { 'x-test-peer': '127.0.0.1' }, 'true'],
    ['loopback, through a proxy (X-Forwarded-For)', { 'x-test-peer': '127.0.0.1', 'x-forwarded-for': '203.0.113.9' }, 'false'],
    ['loopback, through a proxy (Forwarded)', { 'x-test-peer': '::1', forwarded: 'for=203.0.113.9' }, 'false'],
    ['loopback, through a proxy (X-Real-IP)', { 'x-test-peer': '127.0.0.1', 'x-real-ip': '203.0.113.9' }, 'false'],
    ['loopback, through a proxy (Via)', { 'x-test-peer': '127.0.0.1', via: '1.1 sidecar' }, 'false'],
    ['another machine', { 'x-test-peer': '192.0.2.7' }, 'false'],
    ['an unknown peer', {}, 'false'],
  ])('%s', async (_name, headers, expected) => expect(await (await app.request('/', { headers })).text()).toBe(expected))
})
