/**
 * Which process (w)'s CPU is read from. wrangler's local mode runs two workerd processes under the
 * process that starts it: a proxy that owns the URL the bench loads and forwards every request to
 * it, and the runtime the Worker itself runs in, on a port of its own. The Worker's cost is the
 * runtime's: on Cloudflare no such proxy runs. (Counting the first workerd found, as the bench once
 * did, measured the proxy: about a quarter of what the Worker costs.)
 */
import { readdir, readFile } from 'node:fs/promises'

export interface WorkerdProcess {
  pid: number
  /** Its command line, arguments joined by spaces. */
  command: string
}

/**
 * Among `children`, the proxy (listening on `entryPort`, the URL the bench loads) and the runtime
 * (the other one). Undefined unless there is exactly one of each: the caller must not guess.
 */
export function workerdRoles(children: readonly WorkerdProcess[], entryPort: number): { runtimePid: number; proxyPid: number } | undefined {
  const entry = new RegExp(`=127\\.0\\.0\\.1:${entryPort}(\\s|$)`)
  const proxies = children.filter((child) => entry.test(child.command))
  const runtimes = children.filter((child) => !entry.test(child.command))
  if (proxies.length !== 1 || runtimes.length !== 1) return undefined
  return { runtimePid: runtimes[0]!.pid, proxyPid: proxies[0]!.pid }
}

/** The workerd processes whose parent is `parent`, from /proc (Linux). */
export async function workerdChildren(parent: number): Promise<WorkerdProcess[]> {
  const found: WorkerdProcess[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8')
      const [, comm = '', rest = ''] = /^\d+ \((.*)\) (.*)$/s.exec(stat) ?? []
      if (comm !== 'workerd' || Number(rest.split(' ')[1]) !== parent) continue
      const command = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').join(' ').trim()
      found.push({ pid: Number(entry), command })
    } catch {
      // gone meanwhile
    }
  }
  return found
}
