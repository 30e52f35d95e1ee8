import type { IResolvers } from '@graphql-tools/utils'
import type { GraphQLResolveInfo } from 'graphql'
import {
  pageSize,
  userInputError,
  type ConnectorContext,
  type Enterprise,
  type EnterpriseStatusCode,
  type LegalRepresentative,
  type Page,
} from '../kit/index.js'
import type { EnterpriseSearcher } from './operations.js'

interface EnterprisesArgs {
  filter?: { name?: string | null; province?: string | null; status?: EnterpriseStatusCode | null } | null
  first?: number | null
  after?: string | null
}

/**
 * Resolvers for `schemas/business.graphql.ts`. Single lookups go through the per-request loader so
 * `enterprise(code)` and cross-registry links to the same code share one batched call; the
 * representative → citizen link goes through the population loader, never to that registry.
 * `Enterprise.landParcels` belongs to the land connector; addresses to the kit's admin-unit resolvers.
 */
export function createBusinessResolvers(connector: EnterpriseSearcher): IResolvers<unknown, ConnectorContext> {
  return {
    Query: {
      enterprise: (_: unknown, args: { code: string }, ctx: ConnectorContext) => ctx.loaders.enterprise.load(args.code),
      enterprises: async (_: unknown, args: EnterprisesArgs, ctx: ConnectorContext, info: GraphQLResolveInfo): Promise<Page<Enterprise>> => {
        const first = pageSize(args.first)
        const { name, province, status } = args.filter ?? {}
        if (province != null && !/^\d{2}$/.test(province)) {
          throw userInputError('filter.province must be a 2-digit province code')
        }
        const query = {
          ...(name?.trim() ? { name: name.trim() } : {}),
          ...(province != null ? { provinceCode: province } : {}),
          ...(status != null ? { status } : {}),
        }
        const page = await ctx.pager.page(
          { read: (offset, limit) => connector.search({ ...query, offset, limit }, ctx.scope) },
          { first, after: args.after },
          info,
        )
        // Later lookups of these codes in the same request (e.g. from land holders) need no call.
        for (const node of page.nodes) ctx.loaders.enterprise.prime(node.code, node)
        return page
      },
    },
    LegalRepresentative: {
      citizen: (rep: LegalRepresentative, _: unknown, ctx: ConnectorContext) => (rep.pin ? ctx.loaders.citizen.load(rep.pin) : null),
    },
  }
}
