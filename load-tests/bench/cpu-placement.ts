/**
 * Where the bench's processes run: the server under test on a CPU of its own, and the load side
 * (this runner and autocannon, the sandbox registries, Redis and PostgreSQL) on the others, as a
 * bench host separates the load generator from the server it measures. Unpinned on a two-CPU
 * machine, a target's threads share both CPUs with the load side, and its CPU per request then
 * counts that contention as well as its own work: bare Yoga's swung by a quarter between rounds of
 * the same code.
 *
 * The runner pins itself first, so what it starts inherits the load side; the targets are started
 * on every allowed CPU instead (`onCpus`), side by side, and each is pinned to its CPU once ready,
 * before its first load. Linux only, through `taskset` (util-linux); elsewhere, with one CPU
 * allowed, or when taskset refuses at the start, nothing is pinned and the run says so; a target
 * that cannot be pinned later stops the run, with taskset's reason.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

export interface CpuPlacement {
  /** CPUs of the load side, as `taskset -c` reads them (`0`, `0,2,3`). */
  load: string
  /** The CPU every target runs on, one at a time (the rounds take turns). */
  target: string
  /** Every CPU this process may use: the affinity to go back to. */
  allowed: string
}

/**
 * The CPU numbers of a kernel CPU list (`Cpus_allowed_list`, `taskset -c`): `0-3,8,10-11`.
 * Null for text that is not one.
 */
export function parseCpuList(text: string): number[] | null {
  const cpus: number[] = []
  for (const part of text.trim().split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part)
    if (!range) return null
    const from = Number(range[1])
    const to = range[2] === undefined ? from : Number(range[2])
    if (to < from) return null
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu)
  }
  return cpus
}

/** The split of the CPUs this process may use: the highest for the target, the rest for the load side. */
export function cpuSplit(allowed: readonly number[]): CpuPlacement | null {
  const cpus = [...new Set(allowed)].sort((a, b) => a - b)
  if (cpus.length < 2) return null
  return { load: cpus.slice(0, -1).join(','), target: String(cpus[cpus.length - 1]), allowed: cpus.join(',') }
}

/** The CPUs this process may use (a container's cpuset may allow fewer than the host has); null off Linux. */
export function allowedCpus(): number[] | null {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Cpus_allowed_list:'))
    return line ? parseCpuList(line.slice('Cpus_allowed_list:'.length)) : null
  } catch {
    return null
  }
}

/**
 * Pins every thread of process `pid` to `cpus` (not its child processes); threads and children it
 * starts later inherit them. Throws with taskset's own words.
 */
export function pinProcess(pid: number, cpus: string): void {
  try {
    execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', cpus, String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (error) {
    const said = (error as { stderr?: Buffer }).stderr?.toString().trim()
    throw new Error(`could not pin process ${pid} to CPU ${cpus}: ${said || (error instanceof Error ? error.message : String(error))}`)
  }
}

/** The command that starts `command` on `cpus`: `taskset -c cpus command…`, or the command as is. */
export function onCpus(cpus: string | undefined, command: readonly string[]): string[] {
  return cpus ? ['taskset', '--cpu-list', cpus, ...command] : [...command]
}

/**
 * Pins this process to the load side's CPUs, once the target's CPU is known to be usable: what
 * it starts afterwards inherits them. On a refusal the process is given back every allowed CPU
 * (a walk over its threads may have pinned some), and the reason is returned; null when pinned.
 */
export function pinLoadSide(placement: CpuPlacement): string | null {
  try {
    execFileSync('taskset', ['--cpu-list', placement.target, 'true'], { stdio: 'ignore' })
    pinProcess(process.pid, placement.load)
    return null
  } catch (error) {
    try {
      pinProcess(process.pid, placement.allowed)
    } catch {
      // taskset itself is missing: nothing was pinned.
    }
    return `no CPU pinned (taskset failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`
  }
}

/**
 * Splits the allowed CPUs and pins this process to the load side: the placement, or null with why
 * nothing is pinned (one CPU, no /proc, taskset refused).
 */
export function placeLoadSide(): { placement: CpuPlacement; unpinned: null } | { placement: null; unpinned: string } {
  const allowed = allowedCpus()
  const placement = allowed && cpuSplit(allowed)
  if (!placement) return { placement: null, unpinned: `no CPU pinned (${allowed ? `${allowed.length} CPU allowed` : 'no /proc/self/status'})` }
  const refused = pinLoadSide(placement)
  return refused ? { placement: null, unpinned: refused } : { placement, unpinned: null }
}
