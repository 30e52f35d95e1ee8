import type { IResolvers } from '@graphql-tools/utils'
import type { GraphQLResolveInfo } from 'graphql'
import {
  holderKey,
  pageSize,
  userInputError,
  type Citizen,
  type ConnectorContext,
  type Enterprise,
  type HolderRef,
  type LandHolder,
  type LandParcel,
  type Page,
  type PageSource,
} from '../kit/index.js'
import type { LandQueries } from './operations.js'
import { normaliseParcelKey } from '../kit/index.js'

interface LandParcelsArgs {
  holder?: { pin?: string | null; taxCode?: string | null } | null
  commune?: string | null
  first?: number | null
  after?: string | null
}

/** Exactly one of pin or taxCode (the scalars have already checked their format). */
function holderRefOf(holder: NonNullable<LandParcelsArgs['holder']>): HolderRef {
  const { pin, taxCode } = holder
  if (pin && !taxCode) return { pin }
  if (taxCode && !pin) return { taxCode }
  throw userInputError('holder needs exactly one of pin or taxCode')
}

/**
 * A list the registry returns whole (a holder's parcels), read once on the pager's first read
 * (so the cursor is checked before the registry is called) and then windowed in memory.
 */
function wholeList(load: () => Promise<LandParcel[]>): PageSource<LandParcel> {
  let list: Promise<LandParcel[]> | undefined
  return {
    // One read covers the rest of a list in memory, whatever the page size.
    maxWindow: Number.MAX_SAFE_INTEGER,
    async read(offset, limit) {
      const items = await (list ??= load())
      return { items: items.slice(offset, offset + limit), totalCount: items.length }
    },
  }
}

/** A parcel is in a commune when its map sheet was numbered there or it lies there today. */
const inCommune = (parcel: LandParcel, commune: string) => parcel.communeCode === commune || parcel.address?.communeCode === commune

/**
 * Resolvers for `schemas/land.graphql.ts`, closing over the land connector. Root queries call the
 * connector with the request scope; holder links and `Citizen.landParcels` /
 * `Enterprise.landParcels` go through the per-request loaders, so they batch and never call
 * another registry directly.
 * @example
 * const resolvers = createLandResolvers(createLandConnector({ baseUrl }))
 */
export function createLandResolvers(land: LandQueries): IResolvers<unknown, ConnectorContext> {
  return {
    Query: {
      landParcel: (_root: unknown, args: { key: string }, ctx: ConnectorContext) => {
        const key = normaliseParcelKey(args.key)
        if (key === null) throw userInputError('key must be a parcel key MX.SB.ST, e.g. 00097.12.345')
        return land.parcel(key, ctx.scope)
      },
      landParcels: async (_root: unknown, args: LandParcelsArgs, ctx: ConnectorContext, info: GraphQLResolveInfo): Promise<Page<LandParcel>> => {
        // Check every argument before any upstream call (the pager checks the cursor before its first read).
        const first = pageSize(args.first)
        const commune = args.commune ?? null
        if (commune !== null && !/^\d{5}$/.test(commune)) throw userInputError('commune must be a 5-digit commune code')
        const page = { first, after: args.after }
        if (args.holder) {
          const key = holderKey(holderRefOf(args.holder))
          const source = wholeList(async () => {
            const parcels = await ctx.loaders.parcelsByHolder.load(key)
            return commune === null ? parcels : parcels.filter((parcel) => inCommune(parcel, commune))
          })
          return ctx.pager.page(source, page, info)
        }
        if (commune === null) throw userInputError('landParcels needs a holder or a commune')
        const source: PageSource<LandParcel> = { read: (offset, limit) => land.parcelsByCommune(commune, { offset, limit }, ctx.scope) }
        return ctx.pager.page(source, page, info)
      },
    },
    LandHolder: {
      person: (holder: LandHolder, _args: unknown, ctx: ConnectorContext) =>
        holder.kind === 'PERSON' && holder.pin ? ctx.loaders.citizen.load(holder.pin) : null,
      enterprise: (holder: LandHolder, _args: unknown, ctx: ConnectorContext) =>
        holder.kind === 'ENTERPRISE' && holder.taxCode ? ctx.loaders.enterprise.load(holder.taxCode) : null,
    },
    Citizen: {
      landParcels: (citizen: Citizen, _args: unknown, ctx: ConnectorContext) => ctx.loaders.parcelsByHolder.load(holderKey({ pin: citizen.pin })),
    },
    Enterprise: {
      landParcels: (enterprise: Enterprise, _args: unknown, ctx: ConnectorContext) => ctx.loaders.parcelsByHolder.load(holderKey({ taxCode: enterprise.code })),
    },
  }
}
