/**
 * The logging port: the subset of pino's interface the core uses. The entry passes pino; tests
 * pass the silent logger. Its own module, imported by everything that logs, so that logging
 * depends on nothing and nothing depends on the whole dependency bag to log.
 */
export interface Logger {
  info(object: object, message?: string): void
  warn(object: object, message?: string): void
  error(object: object, message?: string): void
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
