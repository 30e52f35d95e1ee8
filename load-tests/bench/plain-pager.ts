/**
 * The pager a project adds when it takes the connectors into its own GraphQL server: the
 * connectors' resolvers cut their lists (`enterprises`, `landParcels`) through `ctx.pager`, which
 * the gateway provides per request (sealed cursors, row filters). Without a gateway there is no
 * policy to apply: pages are cut with the kit's `cutPage`, and a cursor is the plain position
 * `p<N>`. For the bench's targets (a) and (d), so the records curve can page on them too.
 */
import { GraphQLError } from 'graphql'
import { cutPage, type Pager } from '../../connectors/index.js'

export const plainPager: Pager = {
  async page(source, args) {
    let start = 0
    if (args.after !== null && args.after !== undefined) {
      const match = /^p(\d{1,9})$/.exec(args.after)
      if (!match) throw new GraphQLError('after: not a cursor of this list', { extensions: { code: 'BAD_USER_INPUT' } })
      start = Number(match[1])
    }
    const cut = await cutPage(source, { first: args.first, start })
    return {
      nodes: cut.nodes,
      totalCount: cut.totalCount ?? 0,
      pageInfo: { hasNextPage: cut.hasNextPage, endCursor: cut.next > start ? `p${cut.next}` : null },
    }
  },
}
