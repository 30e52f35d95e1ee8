/**
 * Requests exactly as an attacker writes them. `fetch` resolves `..` and `%2e%2e` in a URL before
 * sending it and adds headers of its own; node:http puts the path on the wire as given, so the
 * gateway sees the traversal, the backslash or the `%00` itself.
 */
import { request } from 'node:http'
import { expect } from 'vitest'

/** A stack frame, an internal path or an exception name: what must never reach a client. */
export const LEAKS = /\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+|stack|TypeError|ReferenceError/
/** The content of a file a traversal would reach: the repository's package.json, /etc/passwd. */
export const FILE_CONTENT = /"name":\s*"lgsp|"devDependencies"|root:x?:0:0:/

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

export function rawRequest(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port: Number(port),
        method,
        path,
        headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** A client error, never a server error, with nothing of a file or of the gateway's internals in it. */
export function expectRefusedSafely(res: RawResponse, what: string): void {
  expect(res.status, `${what} → ${res.status}`).toBeGreaterThanOrEqual(400)
  expect(res.status, `${what} → ${res.status}`).toBeLessThan(500)
  expect(res.body, what).not.toMatch(FILE_CONTENT)
  expect(res.body, what).not.toMatch(LEAKS)
}
