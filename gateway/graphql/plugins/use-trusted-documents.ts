import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations'
import type { GraphQLParams, Plugin } from 'graphql-yoga'
import type { AgencyDocument } from '../../../policies/index.js'
import { sha256Hex } from '../../support/index.js'
import type { PolicyRuntime } from '../../policy/index.js'
import type { GatewayServerContext } from '../context.js'

type Lookup = Map<string, string>

/**
 * Per-agency trusted documents (persisted operations) with @graphql-yoga's plugin:
 * a request names a document by `documentId` (or Apollo's `extensions.persistedQuery.sha256Hash`)
 * and the text comes from the caller's own agency document, never from another agency's. An
 * agency in `enforce` mode may send nothing else; others may send either.
 */
export function useTrustedDocuments(options: {
  policies: PolicyRuntime
}): [Plugin<Record<string, unknown>, GatewayServerContext>, ReturnType<typeof usePersistedOperations<GatewayServerContext>>] {
  // Built once per agency document object (documents are immutable; a roll-out makes new ones).
  const lookups = new WeakMap<AgencyDocument, Promise<Lookup>>()
  const strict = new WeakSet<Request>()

  const agencyOf = (context: Partial<GatewayServerContext>) => (context.caller ? options.policies.current().agencies.get(context.caller.agencyId) : undefined)

  function lookupFor(agency: AgencyDocument): Promise<Lookup> {
    let lookup = lookups.get(agency)
    if (!lookup) {
      lookup = (async () => {
        const map: Lookup = new Map()
        for (const [id, text] of Object.entries(agency.trustedDocuments?.documents ?? {})) {
          map.set(id, text)
          map.set(await sha256Hex(text), text)
        }
        return map
      })()
      lookups.set(agency, lookup)
    }
    return lookup
  }

  const marker: Plugin<Record<string, unknown>, GatewayServerContext> = {
    onRequest({ request, serverContext }) {
      if (agencyOf(serverContext as Partial<GatewayServerContext>)?.trustedDocuments?.mode === 'enforce') strict.add(request)
    },
  }
  const refuse = (message: string, code: 'FORBIDDEN' | 'BAD_USER_INPUT', status: number) => ({
    message,
    extensions: { code, origin: 'caller' as const, http: { status } },
  })
  const persisted = usePersistedOperations<GatewayServerContext>({
    allowArbitraryOperations: (request) => !strict.has(request),
    extractPersistedOperationId: (params: GraphQLParams & { documentId?: unknown }) => {
      if (typeof params.documentId === 'string') return params.documentId
      const persistedQuery = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)?.persistedQuery
      return persistedQuery?.version === 1 && typeof persistedQuery.sha256Hash === 'string' ? persistedQuery.sha256Hash : null
    },
    async getPersistedOperation(key, _request, context) {
      const agency = agencyOf(context)
      if (!agency || key.length > 128) return null
      return (await lookupFor(agency)).get(key) ?? null
    },
    customErrors: {
      persistedQueryOnly: refuse('This agency sends trusted documents only: send a documentId from its policy document, not a query text', 'FORBIDDEN', 403),
      notFound: refuse('No trusted document of this agency has that id', 'BAD_USER_INPUT', 400),
      keyNotFound: refuse('Send a query, or the documentId of a trusted document', 'BAD_USER_INPUT', 400),
    },
  })
  return [marker, persisted]
}
