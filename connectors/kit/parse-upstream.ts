import type { z } from 'zod'
import { ConnectorError, type ConnectorName } from './connector-error.js'

/**
 * Parses an upstream payload with its zod schema: a registry is never trusted. A payload that does
 * not fit becomes `UPSTREAM_BAD_RESPONSE` naming the connector; the zod issues go to `detail`
 * (logs only) with paths but never values, so no personal data leaks into logs.
 */
export function parseUpstream<S extends z.ZodType>(connector: ConnectorName, schema: S, payload: unknown, path?: string): z.output<S> {
  const result = schema.safeParse(payload)
  if (result.success) return result.data
  const detail = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`)
    .join('; ')
  throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path, detail })
}

/**
 * Runs a mapping step that may throw on data zod accepted but the mapper cannot normalise (an
 * impossible date, an unknown code) and turns that into `UPSTREAM_BAD_RESPONSE`.
 */
export function mapUpstream<T>(connector: ConnectorName, map: () => T, path?: string): T {
  try {
    return map()
  } catch (error) {
    if (error instanceof ConnectorError) throw error
    const detail = error instanceof Error ? error.message : 'mapping failed'
    throw new ConnectorError(connector, 'UPSTREAM_BAD_RESPONSE', { path, detail }, { cause: error })
  }
}
