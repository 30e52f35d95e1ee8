/**
 * Administrative unit names for the peer. None of the three registries serves them: our gateway
 * answers `administrativeUnit` and an address's `commune` from the unit code list it holds in
 * process (connectors/kit/admin-units, danh mục dùng chung). A province running Hive Gateway
 * would load the same public code list into the gateway the same way, so the peer does: the
 * list is read from the same data file (only the data, not our lookup code) and served through
 * the gateway's own `additionalTypeDefs` / `additionalResolvers`. Nothing is added to the
 * sandboxes. Both sides do a map lookup in process; the peer answers the same names.
 */
import { adminUnits, type AdminUnitRecord } from '../../connectors/kit/admin-units/data.js'

export const adminUnitTypeDefs = /* GraphQL */ `
  "An administrative unit from the code list (danh mục đơn vị hành chính)"
  type AdministrativeUnit {
    code: String!
    fullName: String!
  }
  extend type Query {
    administrativeUnit(code: String!): AdministrativeUnit
  }
  extend type DiaChi {
    "The commune named by MaXa (select MaXa with it)"
    commune: AdministrativeUnit
  }
`

/** The version of each code in force now; for a code that ended, its latest version. */
function currentUnits(today = new Date().toISOString().slice(0, 10)): Map<string, AdminUnitRecord> {
  const byCode = new Map<string, AdminUnitRecord>()
  const inForce = (unit: AdminUnitRecord) => unit.validFrom <= today && (unit.validTo === null || unit.validTo >= today)
  for (const unit of adminUnits) {
    if (unit.validFrom > today) continue
    const held = byCode.get(unit.code)
    if (!held || (inForce(unit) && !inForce(held)) || (inForce(unit) === inForce(held) && unit.validFrom > held.validFrom)) byCode.set(unit.code, unit)
  }
  return byCode
}

export function adminUnitResolvers() {
  const units = currentUnits()
  const view = (code: string | null | undefined) => {
    const unit = code ? units.get(code) : undefined
    return unit ? { code: unit.code, fullName: `${unit.kind} ${unit.name}` } : null
  }
  return {
    Query: { administrativeUnit: (_: unknown, args: { code: string }) => view(args.code) },
    DiaChi: { commune: (address: { MaXa?: string | null }) => view(address.MaXa) },
  }
}
