/** What the test services (Redis, PostgreSQL) and process tests share: ports and stopping children. */
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

/** Binds port 0 to let the kernel pick a free port on 127.0.0.1, then releases it for the server. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))))
    })
  })
}

/**
 * Sends `signal` and resolves when the child has exited, escalating to SIGKILL after 5 s.
 * `continueFirst`: send SIGCONT first, for a child a test paused (SIGSTOP), which would ignore
 * the signal until continued.
 */
export function killAndWait(child: ChildProcess, signal: NodeJS.Signals, options: { continueFirst?: boolean } = {}): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const escalate = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(escalate)
      resolve()
    })
    if (options.continueFirst) child.kill('SIGCONT')
    child.kill(signal)
  })
}
