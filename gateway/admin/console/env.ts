import type { ReportStore } from '../../conformance/index.js'
import type { GraphQLSchema } from 'graphql'
import type { MiddlewareHandler } from 'hono'
import type { JWK } from 'jose'
import type { Connectors } from '../../../connectors/index.js'
import type { KeyedHash, LoadProblem, PolicyFile, PolicySet } from '../../../policies/index.js'
import type { GatewayEnv } from '../../env.js'
import type { AttemptLimiter } from '../../http/attempt-limit.js'
import type { PolicyRuntime } from '../../policy/index.js'
import type { PolicyStore } from '../../policy/store/index.js'
import type { Queryable } from '../../database/index.js'
import type { DossierStore, Outbox } from '../../exchange/index.js'
import type { Session } from './accounts.js'
import type { Dictionary } from './i18n/index.js'

/** What the entry wires for the console; without it `/admin` serves only the JSON API. */
export interface ConsoleDeps {
  /** Accounts, sessions and the audit trail's tables (the gateway's database). */
  db: Queryable
  policyStore: PolicyStore
  /** The store's validator (policy language + canonical schema): problems shown in the editor. */
  validate(files: PolicyFile[]): LoadProblem[]
  /** A validated version's files as a set, for the runtime and the simulator. */
  loadSet(files: PolicyFile[]): PolicySet
  /** The canonical schema the simulator explains queries against. */
  schema: GraphQLSchema
  /** Every public key the gateway signed checkpoints with, for chain verification. */
  historicJwks(): JWK[]
  /** `Secure` cookies; false only for plain http on 127.0.0.1 in development and test. */
  secureCookies: boolean
  /** The dossier exchange's deliveries and dossiers, for the dossier-flow page. Absent: no such page. */
  exchange?: { outbox: Outbox; store: DossierStore; conformance?: ReportStore }
}

/** A query run through the gateway as one of the agency's clients (the simulator's masked result). */
export interface SimulatedRun {
  agency: string
  clientId: string
  purpose: string
  query: string
  caseId?: string
  endUser?: string
}

export interface ConsoleOptions extends ConsoleDeps {
  /** The access log (and whatever the gateway runs with it) for console pages: one audit event each. */
  /** The access log of the gateway's routes, run on every console route too (any route's context). */
  audit?: MiddlewareHandler[]
  /**
   * Runs a simulated query for real, outside production only: in production an operator would
   * read citizens' data through an agency's grant, which is what the policies exist to prevent.
   */
  run?: (input: SimulatedRun) => Promise<{ status: number; body: unknown }>
  policies: PolicyRuntime
  connectors: Connectors
  hash: KeyedHash
  attempts?: AttemptLimiter
}

export interface ConsoleEnv {
  Variables: GatewayEnv['Variables'] & {
    t: Dictionary
    /** The logged-in account's session, when there is one. */
    session?: Session & { id: string }
    /** The dossier exchange is wired: its page is in the operators' menu. */
    exchangeEnabled?: boolean
  }
}
