/** A logger for tests that keeps every line it is given, to read back what was logged. */
import type { Logger } from '../gateway/logger.js'

export interface LoggedLine {
  level: 'info' | 'warn' | 'error'
  object: Record<string, unknown>
  message: string | undefined
}

export function recordingLogger(): { logger: Logger; lines: LoggedLine[] } {
  const lines: LoggedLine[] = []
  const at =
    (level: LoggedLine['level']) =>
    (object: object, message?: string): void =>
      void lines.push({ level, object: object as Record<string, unknown>, message })
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, lines }
}
