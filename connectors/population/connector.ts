import type { RegistryClientOptions } from '../kit/index.js'
import DataLoader from 'dataloader'
import {
  ConnectorError,
  toCompactDate,
  userInputError,
  type Citizen,
  type HealthReport,
  type Household,
  type RegistryConnector,
  type RegistryLoaders,
} from '../kit/index.js'
import { normalisePartialDate, normalisePin } from '../../schemas/scalars/index.js'
import { loadByKeys } from './wire/batch.js'
import { createPopulationClient } from './wire/client.js'
import { cleanText, mapCitizen, mapHousehold, toVerification } from './map.js'
import type { PopulationOperations } from './operations.js'
import { createPopulationResolvers } from './resolvers.js'
import { congDanKeySchema, hoGiaDinhKeySchema } from './upstream.js'

/** Client options (kit/upstream-fetch.ts): deadline (@default 3000 ms), resilience (@default off: the entry turns it on), transport. */
export interface PopulationConnectorOptions extends RegistryClientOptions {
  /** Base URL of the registry, e.g. `http://127.0.0.1:8181`. */
  baseUrl: string
  /** The gateway's key for the registry, sent as `X-API-Key`. */
  apiKey: string
  /** PINs or household ids per batch call; the registry accepts at most 100. @default 100 */
  maxBatchSize?: number
}

export type PopulationLoaders = Pick<RegistryLoaders, 'citizen' | 'household'>

export interface PopulationConnector extends RegistryConnector<PopulationLoaders>, PopulationOperations {
  readonly name: 'population'
}

const REGISTRY_MAX_BATCH = 100
/** Household ids are registry-issued codes such as `HGD-0000001`; anything else cannot exist. */
const isHouseholdId = (id: string) => /^[A-Za-z0-9._-]{1,64}$/.test(id)
const isPin = (pin: string) => normalisePin(pin) !== null

/** Which key a batch record is for, read before the full parse so a bad record fails only its key. */
function citizenKeyOf(record: unknown): string | null {
  const parsed = congDanKeySchema.safeParse(record)
  return parsed.success ? parsed.data.SoDinhDanh : null
}
function householdKeyOf(record: unknown): string | null {
  const parsed = hoGiaDinhKeySchema.safeParse(record)
  return parsed.success ? parsed.data.MaHoGiaDinh : null
}

/**
 * Creates the population registry connector (CSDLQG về dân cư): citizens and households by key,
 * with per-request DataLoaders that batch lookups into the registry's tra-cuu-lo endpoints, and the
 * yes/no identity verification. Every call carries the request's id, deadline and abort signal.
 * @example
 * const population = createPopulationConnector({ baseUrl: 'http://127.0.0.1:8181', apiKey })
 * const citizen = await population.citizen('001085000101', { requestId: 'r-1' })
 */
export function createPopulationConnector(options: PopulationConnectorOptions): PopulationConnector {
  const maxBatchSize = options.maxBatchSize ?? REGISTRY_MAX_BATCH
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1 || maxBatchSize > REGISTRY_MAX_BATCH) {
    throw new TypeError(`createPopulationConnector: maxBatchSize must be an integer from 1 to ${REGISTRY_MAX_BATCH}`)
  }
  if (!options.apiKey) throw new TypeError('createPopulationConnector: apiKey is required')
  const client = createPopulationClient(options)

  /** The registry must answer for the key asked; another person's record is a broken upstream. */
  function checkKey(actual: string, expected: string, path: string): void {
    if (actual !== expected) {
      throw new ConnectorError('population', 'UPSTREAM_BAD_RESPONSE', { path, detail: 'record for another key' })
    }
  }

  const operations: PopulationOperations = {
    async citizen(pin, scope) {
      if (!isPin(pin)) return null
      const answer = await client.citizen(pin, scope)
      if (answer === null) return null
      const citizen = mapCitizen(answer.records[0], answer.dataAsOf, '/api/v1/cong-dan/{SoDinhDanh}')
      checkKey(citizen.pin, pin, '/api/v1/cong-dan/{SoDinhDanh}')
      return citizen
    },

    citizens(pins, scope) {
      return loadByKeys(pins, {
        maxBatchSize,
        isValidKey: isPin,
        fetchChunk: (chunk) => client.citizens(chunk, scope),
        keyOf: citizenKeyOf,
        map: (record, dataAsOf) => mapCitizen(record, dataAsOf, '/api/v1/cong-dan/tra-cuu-lo'),
      })
    },

    async verify(input, scope) {
      const pin = normalisePin(input.pin)
      const birthDate = normalisePartialDate(input.birthDate)
      const name = cleanText(input.name)
      if (pin === null) throw userInputError('pin must be 12 digits')
      if (birthDate === null) throw userInputError('birthDate must be YYYY, YYYY-MM or YYYY-MM-DD')
      if (name === null) throw userInputError('name must not be empty')
      const ketQua = await client.verify({ pin, name, compactBirthDate: toCompactDate(birthDate) }, scope)
      return toVerification(pin, ketQua)
    },

    async household(id, scope) {
      if (!isHouseholdId(id)) return null
      const answer = await client.household(id, scope)
      if (answer === null) return null
      const household = mapHousehold(answer.records[0], '/api/v1/ho-gia-dinh/{MaHoGiaDinh}')
      checkKey(household.id, id, '/api/v1/ho-gia-dinh/{MaHoGiaDinh}')
      return household
    },

    households(ids, scope) {
      return loadByKeys(ids, {
        maxBatchSize,
        isValidKey: isHouseholdId,
        fetchChunk: (chunk) => client.households(chunk, scope),
        keyOf: householdKeyOf,
        map: (record) => mapHousehold(record, '/api/v1/ho-gia-dinh/tra-cuu-lo'),
      })
    },
  }

  return {
    name: 'population',
    ...operations,
    resolvers: createPopulationResolvers(operations),
    createLoaders(scope) {
      return {
        citizen: new DataLoader<string, Citizen | null>((pins) => operations.citizens(pins, scope), { cache: true, maxBatchSize }),
        household: new DataLoader<string, Household | null>((ids) => operations.households(ids, scope), { cache: true, maxBatchSize }),
      }
    },
    circuit: () => client.circuit(),
    async health(signal) {
      const started = performance.now()
      try {
        await client.health({ requestId: `health-${crypto.randomUUID()}`, ...(signal ? { signal } : {}) })
        return { ok: true, latencyMs: performance.now() - started }
      } catch (error) {
        const detail = error instanceof Error ? error.message : 'health check failed'
        return { ok: false, latencyMs: performance.now() - started, detail } satisfies HealthReport
      }
    },
  }
}
