import { ConnectorError } from '../../kit/index.js'
import type { RawRecords } from './client.js'

export interface BatchSpec<T> {
  /** Largest number of keys sent in one upstream call. */
  maxBatchSize: number
  /** Keys that cannot exist (a malformed PIN) resolve to null without being sent. */
  isValidKey: (key: string) => boolean
  /** One upstream call for one chunk of keys. */
  fetchChunk: (keys: string[]) => Promise<RawRecords>
  /** The key a raw record is for, or null when the record does not say. */
  keyOf: (record: unknown) => string | null
  /** Parses and maps one raw record; throws ConnectorError when it does not fit. */
  map: (record: unknown, dataAsOf: string | null) => T
}

/**
 * Loads records by key the way a DataLoader batch function must answer: one entry per key, in key
 * order, `null` for a key the registry does not have, and an Error for a key whose record could not
 * be read, so a malformed record fails only its own key. Keys are deduplicated and sent in chunks of
 * `maxBatchSize`, one upstream call per chunk; a failed call fails only the keys of its chunk.
 */
export async function loadByKeys<T>(keys: readonly string[], spec: BatchSpec<T>): Promise<Array<T | null | Error>> {
  const wanted = [...new Set(keys.filter(spec.isValidKey))]
  const results = new Map<string, T | null | Error>()
  const chunks: string[][] = []
  for (let i = 0; i < wanted.length; i += spec.maxBatchSize) chunks.push(wanted.slice(i, i + spec.maxBatchSize))

  await Promise.all(
    chunks.map(async (chunk) => {
      let answer: RawRecords
      try {
        answer = await spec.fetchChunk(chunk)
      } catch (error) {
        for (const key of chunk) results.set(key, toError(error))
        return
      }
      const requested = new Set(chunk)
      // A record without a readable key could be any of the missing ones: those keys then fail
      // rather than read as "not found", which would hide data the registry did send.
      let unattributed = false
      for (const record of answer.records) {
        const key = spec.keyOf(record)
        if (key === null) {
          unattributed = true
          continue
        }
        if (!requested.has(key) || results.has(key)) continue
        try {
          results.set(key, spec.map(record, answer.dataAsOf))
        } catch (error) {
          results.set(key, toError(error))
        }
      }
      for (const key of chunk) {
        if (results.has(key)) continue
        results.set(key, unattributed ? new ConnectorError('population', 'UPSTREAM_BAD_RESPONSE', { detail: 'batch record without a key' }) : null)
      }
    }),
  )
  return keys.map((key) => results.get(key) ?? null)
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new ConnectorError('population', 'UPSTREAM_BAD_RESPONSE', { detail: 'non-error thrown' })
}
