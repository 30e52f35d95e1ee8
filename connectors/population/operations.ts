/**
 * What the population registry offers the resolvers beyond the per-request loaders: the connector
 * implements it, the resolvers call it. Its own module, so neither imports the other for it.
 */
import type { Citizen, CitizenVerification, Household, RequestScope } from '../kit/index.js'

export interface VerifyCitizenInput {
  pin: string
  name: string
  /** Canonical partial date: YYYY, YYYY-MM or YYYY-MM-DD. */
  birthDate: string
}

/** The registry's operations, each taking the request scope it works for. */
export interface PopulationOperations {
  citizen(pin: string, scope: RequestScope): Promise<Citizen | null>
  /** One entry per PIN, in order: the citizen, null when unknown, an Error when unreadable. */
  citizens(pins: readonly string[], scope: RequestScope): Promise<Array<Citizen | null | Error>>
  verify(input: VerifyCitizenInput, scope: RequestScope): Promise<CitizenVerification>
  household(id: string, scope: RequestScope): Promise<Household | null>
  households(ids: readonly string[], scope: RequestScope): Promise<Array<Household | null | Error>>
}
