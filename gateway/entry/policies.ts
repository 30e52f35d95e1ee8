import type { Logger } from '../logger.js'
import type { LoadProblem, PolicyFile, PolicySet } from '../../policies/index.js'
import { servedCanonical } from './canonical.js'
import { policyRulesFor, type PolicyRules } from './policy-rules.js'
import { createPolicyStore, createPolicyWatcher, digestInput, type PolicySnapshot, type PolicyStore } from '../policy/store/index.js'
import { sha256Hex } from '../support/index.js'
import type { Database } from '../database/index.js'
import { readPolicyFiles } from '../policy/store/read-files.node.js'

/** Built on first use: reading the served schema loads every described folder. */
let rules: PolicyRules | undefined
const served = () => (rules ??= policyRulesFor(servedCanonical()))

/** The schema served (no resolvers), described sources included: what policies and the console's simulator are checked against. */
export const policySchema = () => served().schema
/** Parsed against the served schema's data classes, so a grant reading a described source's PIN must say how it is shown. */
export const parseServedPolicySet = (files: PolicyFile[]) => served().parse(files)

/**
 * The store's validator: the whole set parsed and cross-checked by the policy language, and
 * every coordinate and `where` path checked against the canonical schema.
 */
export const validatePolicyFiles = (files: PolicyFile[]): LoadProblem[] => served().validate(files)

/** A stored version's files as a policy set; throws listing the problems if it does not load. */
export const policySetOf = (files: PolicyFile[]): PolicySet => served().setOf(files)

export const openPolicyStore = (db: Database): PolicyStore => createPolicyStore(db, { validate: validatePolicyFiles })

export interface PolicyRuntimeOptions {
  db: Database
  /** POLICIES_DIR: applied as the first version (author `bootstrap`) when the database has none. */
  dir: string
  logger: Logger
  /**
   * Called with each newly activated version after the initial one (awaited). Throw to refuse
   * it: the gateway keeps serving the old version and the watcher tries again next poll.
   */
  onChange(snapshot: PolicySnapshot): Promise<void> | void
  /** @default 1000 */
  intervalMs?: number
  /**
   * Apply the directory at this start (a new version only when it changed), not just the first:
   * only when asked (`--apply-policies`, `POLICIES_APPLY_ON_START`). Otherwise the database is
   * the only source once bootstrapped: a restart never undoes a version an operator applied, and
   * a stale checkout cannot roll policies back. A directory that differs is said in the log.
   */
  applyDirOnStart?: boolean
}

/** A version this start stored and activated, to be recorded in the audit trail. */
export interface AppliedAtStart {
  version: number
  author: 'startup' | 'bootstrap'
}

export interface PolicyRuntimeHandle {
  store: PolicyStore
  /** The version active at start. */
  snapshot: PolicySnapshot
  /** Versions applied from POLICIES_DIR by this start (bootstrap, or a changed directory). */
  applied: AppliedAtStart[]
  stop(): void
}

/** Warns when the directory is not what is active: the operator then knows a restart did not apply it. */
async function sayIfDirectoryDiffers(options: PolicyRuntimeOptions, snapshot: PolicySnapshot): Promise<void> {
  let digest: string
  try {
    digest = await sha256Hex(digestInput(await readPolicyFiles(options.dir)))
  } catch {
    return // no directory here: the database is the source, nothing to compare
  }
  if (digest !== snapshot.digest)
    options.logger.warn(
      { active: snapshot.version, dir: options.dir },
      'the policy directory differs from the active version and was not applied: restart with --apply-policies (or POLICIES_APPLY_ON_START=true), or run lgsp policy apply',
    )
}

/**
 * Loads the active policy version (bootstrapping it from the directory on first start) and
 * starts watching for activations by any instance or the CLI, so every instance switches within
 * about one interval.
 */
export async function startPolicyRuntime(options: PolicyRuntimeOptions): Promise<PolicyRuntimeHandle> {
  const store = openPolicyStore(options.db)
  let snapshot = await store.active()
  const applied: AppliedAtStart[] = []
  if (snapshot && options.applyDirOnStart) {
    const result = await store.apply(await readPolicyFiles(options.dir), { author: 'startup', message: `applied from ${options.dir} at start (development)` })
    if (result.created) {
      options.logger.info({ version: result.version }, 'policy directory changed since the active version: applied it')
      applied.push({ version: result.version, author: 'startup' })
    }
    snapshot = await store.active()
  }
  if (!snapshot) {
    const files = await readPolicyFiles(options.dir)
    const result = await store.apply(files, { author: 'bootstrap', message: `bootstrap from ${options.dir}`, ifNoneActive: true })
    if (result.created) {
      options.logger.info({ version: result.version, files: files.length }, 'policy store bootstrapped from the policy directory')
      applied.push({ version: result.version, author: 'bootstrap' })
    }
    snapshot = await store.active()
    if (!snapshot) throw new Error('policy bootstrap stored no active version')
  }
  if (options.applyDirOnStart !== true && applied.length === 0) await sayIfDirectoryDiffers(options, snapshot)
  const origin = await store.get(snapshot.version)
  options.logger.info(
    {
      version: snapshot.version,
      digest: snapshot.digest,
      author: origin?.author,
      appliedAt: origin?.createdAt.toISOString(),
      message: origin?.message ?? undefined,
    },
    'policy version active',
  )
  const logger = options.logger
  const watcher = createPolicyWatcher({
    store,
    initialVersion: snapshot.version,
    ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
    async onChange(next) {
      await options.onChange(next)
      logger.info({ version: next.version, digest: next.digest }, 'policy version switched')
    },
    onError: (error) => logger.error({ err: error }, 'policy version not switched; keeping the current one'),
    // unref: a poll pending must not keep a stopping process alive.
    schedule(fn, ms) {
      const handle = setTimeout(fn, ms)
      handle.unref()
      return { cancel: () => clearTimeout(handle) }
    },
  })
  return { store, snapshot, applied, stop: () => watcher.stop() }
}
