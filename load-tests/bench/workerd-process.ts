/**
 * Which process (w)'s CPU is read from. wrangler's local mode runs two workerd processes under the
 * process that starts it: a proxy that owns the URL the bench loads and forwards every request to
 * it, and the runtime the Worker itself runs in, on a port of its own. The Worker's cost is the
 * runtime's: on Cloudflare no such proxy runs. (Counting the first workerd found, as the bench once
 * did, measured the proxy: about an eighth of the work.)
 */
import { readdir, readFile } from 'node:fs/promises'

export interface WorkerdProcess {
  pid: number
  /** Its command line, arguments joined by spaces. */
  command: string
}

/**
 * The runtime among `children`: the one workerd not listening on `entryPort` (the proxy's). A
 * lone workerd is the runtime itself (a wrangler without the proxy). Undefined when it is not
 * exactly one: the caller must not guess.
 */
export function workerRuntime(children: readonly WorkerdProcess[], entryPort: number): number | undefined {
  if (children.length === 1) return children[0]!.pid
  const runtimes = children.filter((child) => !new RegExp(`=127\\.0\\.0\\.1:${entryPort}(\\s|$)`).test(child.command))
  return runtimes.length === 1 ? runtimes[0]!.pid : undefined
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
