import type { IResolvers } from '@graphql-tools/utils'
import {
  findUnit,
  type Citizen,
  type ConnectorContext,
  type Household,
  type HouseholdMember,
  type HouseholdMembership,
  type RelatedPerson,
} from '../kit/index.js'
import type { PopulationOperations } from './operations.js'

/** PIN prefixes name the 63-province era: resolve them as the units stood the day before the reform. */
const LAST_DAY_BEFORE_REFORM = '2025-06-30'

/**
 * Resolvers for `schemas/population.graphql.ts`. Lookups by key go through the request's
 * DataLoaders, so a citizen reached twice in one request (as a household head and as a member, say)
 * costs one upstream call; `verifyCitizen` calls the registry directly since nothing batches it.
 * Address and AdministrativeUnit fields are the kit's admin-unit resolvers.
 */
export function createPopulationResolvers(population: PopulationOperations): IResolvers<unknown, ConnectorContext> {
  return {
    Query: {
      citizen: (_: unknown, args: { pin: string }, ctx: ConnectorContext) => ctx.loaders.citizen.load(args.pin),
      verifyCitizen: (_: unknown, args: { pin: string; name: string; birthDate: string }, ctx: ConnectorContext) => population.verify(args, ctx.scope),
      household: (_: unknown, args: { id: string }, ctx: ConnectorContext) => ctx.loaders.household.load(args.id),
    },
    Citizen: {
      birthRegistrationPlace: (citizen: Citizen) =>
        citizen.birthRegistrationProvinceCode === null ? null : findUnit(citizen.birthRegistrationProvinceCode, LAST_DAY_BEFORE_REFORM, { fallBack: true }),
      household: (citizen: Citizen): HouseholdMembership | null => citizen.household,
    },
    HouseholdMembership: {
      household: (membership: HouseholdMembership, _: unknown, ctx: ConnectorContext) => ctx.loaders.household.load(membership.householdId),
    },
    Household: {
      head: (household: Household, _: unknown, ctx: ConnectorContext) => ctx.loaders.citizen.load(household.headPin),
    },
    HouseholdMember: {
      citizen: (member: HouseholdMember, _: unknown, ctx: ConnectorContext) => ctx.loaders.citizen.load(member.pin),
    },
    RelatedPerson: {
      citizen: (person: RelatedPerson, _: unknown, ctx: ConnectorContext) => (person.pin ? ctx.loaders.citizen.load(person.pin) : null),
    },
  }
}
