import { getArgumentValues } from '@graphql-tools/utils'
import { getNamedType, GraphQLError, isObjectType, type GraphQLResolveInfo } from 'graphql'
import { cutPage, type Pager } from '../../../connectors/index.js'
import { matches } from '../../../policies/index.js'
import type { RequestPolicy } from '../enforce/request-policy.js'
import type { CursorBinding, CursorCodec } from './cursor-codec.js'

export interface PolicyPagerOptions {
  codec: CursorCodec
  policy: RequestPolicy
  purpose: string | null
}

const wiringFault = () => new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR', origin: 'gateway' } })

/** The type of a connection's `nodes`: the type a row filter names. */
function nodeTypeOf(info: GraphQLResolveInfo): string {
  const connection = getNamedType(info.returnType)
  const nodes = isObjectType(connection) ? connection.getFields().nodes : undefined
  // Only connections are paged: anything else is a wiring fault, not a list to cut blindly.
  if (!nodes) throw wiringFault()
  return getNamedType(nodes.type).name
}

function bindingOf(info: GraphQLResolveInfo, options: PolicyPagerOptions): CursorBinding {
  const field = info.parentType.getFields()[info.fieldName]
  const node = info.fieldNodes[0]
  if (!field || !node) throw wiringFault()
  return {
    agency: options.policy.agencyId,
    purpose: options.purpose,
    policyVersion: options.policy.version,
    field: `${info.parentType.name}.${info.fieldName}`,
    // As the caller wrote them (before any row filter was pushed into them).
    args: getArgumentValues(field, node, info.variableValues),
  }
}

/**
 * The pager of one request, under its policy decision: cursors sealed for the caller's agency,
 * purpose, policy version and the field's arguments; pages cut after the row filter of the
 * connection's node type (see `cutPage`), so what a page holds, its size, where it ends and
 * `hasNextPage` never depend on records the caller may not see. Over such a list `totalCount`
 * (which would count them) is refused before execution; reading it anyway fails here too.
 */
export function createPolicyPager(options: PolicyPagerOptions): Pager {
  const { codec, policy } = options
  return {
    async page(source, args, info) {
      const binding = bindingOf(info, options)
      const nodeType = nodeTypeOf(info)
      const filter = policy.decision.rowFilters.get(nodeType)
      // A restricted type with no filter must be one whose grants combine to "every record" for
      // the fields read; with none of its fields read, the decision should have implied one
      // (decide-request.ts). Never page such a list unfiltered.
      if (!filter && policy.decision.restrictedTypes.has(nodeType) && !policy.decision.coordinates.some((c) => c.coordinate.startsWith(`${nodeType}.`))) {
        throw wiringFault()
      }
      // The cursor is checked before any registry call.
      const start = args.after === null || args.after === undefined ? 0 : await codec.open(args.after, binding)
      const cut = await cutPage(source, { first: args.first, start, ...(filter ? { visible: (node: unknown) => matches(filter, node) } : {}) })
      const pageInfo = { hasNextPage: cut.hasNextPage, endCursor: cut.next > start ? await codec.seal(cut.next, binding) : null }
      if (cut.totalCount !== null) return { nodes: cut.nodes, totalCount: cut.totalCount, pageInfo }
      const page = { nodes: cut.nodes, pageInfo } as { nodes: typeof cut.nodes; pageInfo: typeof pageInfo; totalCount: number }
      // Not enumerable: a copy of the page (spread, JSON) leaves it out rather than throw.
      Object.defineProperty(page, 'totalCount', {
        enumerable: false,
        get() {
          throw new GraphQLError(
            `${info.returnType.toString().replace(/!$/, '')}.totalCount: not available for this purpose, because the agency sees only part of these records`,
            {
              extensions: { code: 'FORBIDDEN', origin: 'caller' },
            },
          )
        },
      })
      return page
    },
  }
}

/** The pager before the policy has decided: paging then is a wiring fault, and fails closed. */
export const undecidedPager: Pager = {
  page() {
    return Promise.reject(wiringFault())
  },
}
