/**
 * Where the bench's processes run: the server under test on a CPU of its own, and the load side
 * (this runner and autocannon, the sandbox registries, Redis and PostgreSQL) on the others, as a
 * bench host separates the load generator from the server it measures. Unpinned on a two-CPU
 * machine, a target's threads share both CPUs with the load side, and its CPU per request then
 * counts that contention as well as its own work: bare Yoga's swung by a quarter between rounds of
 * the same code.
 *
 * Linux only, through `taskset` (util-linux); elsewhere, or with one CPU, nothing is pinned and
 * the run says so.
 */
import { execFileSync } from 'node:child_process'

export interface CpuPlacement {
  /** CPUs of the load side, as `taskset -c` reads them (`0`, `0-2`). */
  load: string
  /** The CPU every target runs on, one at a time (the rounds take turns). */
  target: string
}

/** The split for a machine of `count` CPUs: the last one for the target, the rest for the load side. */
export function cpuSplit(count: number): CpuPlacement | null {
  if (!Number.isInteger(count) || count < 2) return null
  return { load: count === 2 ? '0' : `0-${count - 2}`, target: String(count - 1) }
}

/**
 * Pins this process, every thread of it, to the load side's CPUs; what it starts afterwards
 * inherits them. Null when it cannot (no taskset, not Linux), with the reason.
 */
export function pinLoadSide(placement: CpuPlacement): string | null {
  try {
    execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', placement.load, String(process.pid)], { stdio: 'ignore' })
    return null
  } catch (error) {
    return `not pinned to CPUs (taskset failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`
  }
}

/** The command that starts `command` on `cpus`: `taskset -c cpus command…`, or the command as is. */
export function onCpus(cpus: string | undefined, command: readonly string[]): string[] {
  return cpus ? ['taskset', '--cpu-list', cpus, ...command] : [...command]
}
