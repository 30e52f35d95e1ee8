import { describe, expect, it } from 'vitest'
import { workerdChildren, workerdRoles } from './workerd-process.js'

const workerd = (pid: number, port: number) => ({
  pid,
  command: `/node_modules/@cloudflare/workerd-linux-64/bin/workerd serve --binary --experimental --socket-addr=entry=127.0.0.1:${port} --external-addr=loopback=127.0.0.1:1234 - --control-fd=3`,
})

describe('workerdRoles', () => {
  it.each([
    { what: 'the proxy on the entry port and the runtime on its own', children: [workerd(10, 41149), workerd(11, 0)], roles: { runtimePid: 11, proxyPid: 10 } },
    { what: 'the same, found in the other order', children: [workerd(11, 0), workerd(10, 41149)], roles: { runtimePid: 11, proxyPid: 10 } },
    // The proxy alone is never taken for the runtime: that was the mistake this rule replaces.
    { what: 'the proxy alone', children: [workerd(12, 41149)], roles: undefined },
    { what: 'a runtime alone', children: [workerd(12, 0)], roles: undefined },
    { what: 'no workerd', children: [], roles: undefined },
    { what: 'two besides the proxy', children: [workerd(10, 41149), workerd(11, 0), workerd(13, 0)], roles: undefined },
    { what: 'neither on the entry port', children: [workerd(10, 5000), workerd(11, 0)], roles: undefined },
    {
      what: 'a port that only starts like the entry port is another',
      children: [workerd(10, 411490), workerd(11, 41149)],
      roles: { runtimePid: 10, proxyPid: 11 },
    },
  ])('$what → $roles', ({ children, roles }) => {
    expect(workerdRoles(children, 41149)).toEqual(roles)
  })
})

it('finds no workerd among this process’s children', async () => {
  expect(await workerdChildren(process.pid)).toEqual([])
})
