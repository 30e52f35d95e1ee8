import { describe, expect, it } from 'vitest'
import { workerdChildren, workerRuntime } from './workerd-process.js'

const workerd = (pid: number, port: number) => ({
  pid,
  command: `/node_modules/@cloudflare/workerd-linux-64/bin/workerd serve --binary --experimental --socket-addr=entry=127.0.0.1:${port} --external-addr=loopback=127.0.0.1:1234 - --control-fd=3`,
})

describe('workerRuntime', () => {
  it.each([
    { what: 'the proxy on the entry port and the runtime on its own', children: [workerd(10, 41149), workerd(11, 0)], pid: 11 },
    { what: 'the same, found in the other order', children: [workerd(11, 0), workerd(10, 41149)], pid: 11 },
    { what: 'a lone workerd', children: [workerd(12, 41149)], pid: 12 },
    { what: 'no workerd', children: [], pid: undefined },
    { what: 'two besides the proxy: no guess', children: [workerd(10, 41149), workerd(11, 0), workerd(13, 0)], pid: undefined },
    { what: 'neither on the entry port: no guess', children: [workerd(10, 5000), workerd(11, 0)], pid: undefined },
    { what: 'a port that only starts like the entry port is another', children: [workerd(10, 411490), workerd(11, 41149)], pid: 10 },
  ])('$what → $pid', ({ children, pid }) => {
    expect(workerRuntime(children, 41149)).toBe(pid)
  })
})

it('finds no workerd among this process’s children', async () => {
  expect(await workerdChildren(process.pid)).toEqual([])
})
