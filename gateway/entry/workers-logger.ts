/**
 * The logging port on workerd: one JSON line per entry on the console, which the runtime collects
 * (`wrangler tail`, Logpush, or workerd's own output). Errors are reduced to their name and
 * message: never a stack, never what a cause might carry.
 */
import type { Logger } from '../logger.js'

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Number.POSITIVE_INFINITY } as const

function plain(object: object): object {
  if (!('err' in object) || !(object.err instanceof Error)) return object
  return { ...object, err: { name: object.err.name, message: object.err.message } }
}

export type LogLevel = keyof typeof LEVELS

/** LOG_LEVEL as set, or `info` for anything else (the configuration names the bad value when parsed). */
export const logLevelOf = (value: unknown): LogLevel => (typeof value === 'string' && Object.hasOwn(LEVELS, value) ? (value as LogLevel) : 'info')

export function createConsoleLogger(level: LogLevel = 'info'): Logger {
  const threshold = LEVELS[level]
  const line = (at: 'info' | 'warn' | 'error', object: object, msg?: string) => {
    if (LEVELS[at] < threshold) return
    const text = JSON.stringify({ level: at, time: Date.now(), service: 'lgsp-gateway', ...plain(object), ...(msg ? { msg } : {}) })
    if (at === 'error') console.error(text)
    else if (at === 'warn') console.warn(text)
    else console.log(text)
  }
  return {
    info: (object, msg) => line('info', object, msg),
    warn: (object, msg) => line('warn', object, msg),
    error: (object, msg) => line('error', object, msg),
  }
}
