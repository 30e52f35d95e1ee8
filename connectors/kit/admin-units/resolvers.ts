import type { IResolvers } from '@graphql-tools/utils'
import type { Address, LandParcel } from '../canonical.js'
import type { ConnectorContext } from '../connector.js'
import type { AdminUnitRecord } from './data.js'
import { findUnit, fullNameOf, predecessorsOf, successorsOf } from './lookup.js'

/**
 * Resolvers for `AdministrativeUnit`, `Query.administrativeUnit`, and the units of the codes records
 * carry (`Address.province` and `.commune`, `LandParcel.commune`), whichever connector, written or
 * described, answered the record. The unit catalogue is reference data held in-process (a code
 * list, danh mục dùng chung), so these never call out.
 */
export const adminUnitResolvers: IResolvers<unknown, ConnectorContext> = {
  Query: {
    administrativeUnit: (_: unknown, args: { code: string; asOf?: string | null }) => findUnit(args.code, args.asOf ?? undefined),
  },
  AdministrativeUnit: {
    codeSystem: () => 'GSO_NSO',
    fullName: (unit: AdminUnitRecord) => fullNameOf(unit),
    parent: (unit: AdminUnitRecord) => (unit.parentCode === null ? null : findUnit(unit.parentCode, unit.validTo ?? unit.validFrom, { fallBack: true })),
    successors: (unit: AdminUnitRecord) => successorsOf(unit),
    predecessors: (unit: AdminUnitRecord) => predecessorsOf(unit),
  },
  Address: {
    province: (address: Address) => (address.provinceCode === null ? null : findUnit(address.provinceCode, undefined, { fallBack: true })),
    commune: (address: Address) => (address.communeCode === null ? null : findUnit(address.communeCode, undefined, { fallBack: true })),
  },
  LandParcel: {
    // The sheet's commune may have been merged away in 2025: its last version.
    commune: (parcel: Pick<LandParcel, 'communeCode'>) => findUnit(parcel.communeCode, undefined, { fallBack: true }),
  },
}
