import type { LoadProblem, PolicyFile } from '../../../policies/index.js'
import type { Database, Queryable } from '../../database/index.js'
import { sha256Hex } from '../../support/index.js'
import { canonicalFiles, diffFileSets, digestInput } from './files.js'

/** What every instance serves: the active version's files. */
export interface PolicySnapshot {
  version: number
  files: PolicyFile[]
  digest: string
}

export interface PolicyVersionSummary {
  version: number
  createdAt: Date
  author: string
  message: string | null
  digest: string
  active: boolean
}

export interface PolicyVersion extends PolicyVersionSummary {
  files: PolicyFile[]
  /** Against the version that was active when this one was applied. */
  diff: string
}

export interface ApplyResult {
  version: number
  created: boolean
  diff: string
}

export interface ApplyOptions {
  author: string
  message?: string
  /**
   * Store the set only when no version is active yet (first start): instances bootstrapping at
   * once then agree on one version, even if their directories differ. @default false
   */
  ifNoneActive?: boolean
  /**
   * Store the set only while this version is the active one (null: while none is), checked under
   * the write lock: an edit previewed against one version is never applied over a newer one.
   * Otherwise PolicyVersionConflictError.
   */
  ifActive?: number | null
}

export interface PolicyStore {
  /** Validates, then stores the set as a new version and activates it — or, when it equals the active version, does nothing. */
  apply(files: readonly PolicyFile[], by: ApplyOptions): Promise<ApplyResult>
  /** Makes an existing version the active one. */
  activate(version: number, by: { author: string }): Promise<{ version: number; previous: number | null }>
  /** Re-activates the version that was active before the current activation. */
  rollback(by: { author: string }): Promise<{ version: number; previous: number }>
  active(): Promise<PolicySnapshot | null>
  /** One indexed row: cheap enough to poll every second from every instance. */
  activeVersion(): Promise<number | null>
  list(): Promise<PolicyVersionSummary[]>
  get(version: number): Promise<PolicyVersion | null>
}

export interface PolicyStoreOptions {
  /** Checks a whole set before it is stored; returns its problems (none: valid). Injected so the store knows no policy language. */
  validate: (files: PolicyFile[]) => LoadProblem[]
  /** Hex digest of the canonical text. @default SHA-256 (Web Crypto) */
  digest?: (text: string) => Promise<string>
}

export class PolicyValidationError extends Error {
  override readonly name = PolicyValidationError.name
  constructor(readonly problems: LoadProblem[]) {
    super(`invalid policy set:\n${problems.map((p) => `  - ${p.file} ${p.path}: ${p.message}`).join('\n')}`)
  }
}

/** An operator's request the store cannot honour (no such version, nothing to roll back to). */
export class PolicyStoreError extends Error {
  override readonly name = PolicyStoreError.name
}

/** The active version moved since the caller read it (`ApplyOptions.ifActive`): nothing was stored. */
export class PolicyVersionConflictError extends PolicyStoreError {
  override readonly name = PolicyVersionConflictError.name
  constructor(
    readonly expected: number | null,
    readonly active: number | null,
  ) {
    super(`policy version ${active ?? 'none'} is active, not ${expected ?? 'none'}`)
  }
}

/** Serialises writers across instances, so two applies cannot both diff against the same active version. */
const WRITE_LOCK = 7_428_190_264

const ACTIVE_SQL = 'select version from policy_activation order by id desc limit 1'

interface VersionRow {
  version: number
  created_at: Date
  author: string
  message: string | null
  digest: string
  files: PolicyFile[]
  diff: string
}

/**
 * The versioned policy store over the database port: every apply is a new immutable
 * version with author, digest and diff; the active version is the latest activation, so
 * switching and rolling back are inserts, and every instance finds the change by polling.
 */
export function createPolicyStore(db: Database, options: PolicyStoreOptions): PolicyStore {
  const digestOf = options.digest ?? sha256Hex

  const activeRow = async (q: Queryable) =>
    (await q.query<VersionRow>(`select v.* from policy_activation a join policy_versions v using (version) order by a.id desc limit 1`))[0] ?? null

  const versionExists = async (q: Queryable, version: number) => (await q.query('select 1 from policy_versions where version = $1', [version])).length > 0

  const record = (q: Queryable, version: number, author: string, action: 'apply' | 'activate' | 'rollback') =>
    q.query('insert into policy_activation (version, author, action) values ($1, $2, $3)', [version, author, action])

  const writing = <T>(fn: (tx: Queryable) => Promise<T>) =>
    db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [WRITE_LOCK])
      return fn(tx)
    })

  return {
    async apply(input, by) {
      const files = canonicalFiles(input)
      const problems = options.validate(files)
      if (problems.length > 0) throw new PolicyValidationError(problems)
      requireAuthor(by.author)
      const digest = await digestOf(digestInput(files))
      return writing(async (tx) => {
        const current = await activeRow(tx)
        if (by.ifActive !== undefined && (current?.version ?? null) !== by.ifActive) throw new PolicyVersionConflictError(by.ifActive, current?.version ?? null)
        if (current && (current.digest === digest || by.ifNoneActive)) return { version: current.version, created: false, diff: '' }
        const diff = diffFileSets(current?.files ?? [], files)
        const [row] = await tx.query<{ version: number }>(
          'insert into policy_versions (author, message, digest, files, diff) values ($1, $2, $3, $4, $5) returning version',
          [by.author, by.message ?? null, digest, JSON.stringify(files), diff],
        )
        const version = (row as { version: number }).version
        await record(tx, version, by.author, 'apply')
        return { version, created: true, diff }
      })
    },

    async activate(version, by) {
      requireAuthor(by.author)
      return writing(async (tx) => {
        if (!(await versionExists(tx, version))) throw new PolicyStoreError(`there is no policy version ${version}`)
        const previous = (await tx.query<{ version: number }>(ACTIVE_SQL))[0]?.version ?? null
        if (previous !== version) await record(tx, version, by.author, 'activate')
        return { version, previous }
      })
    },

    async rollback(by) {
      requireAuthor(by.author)
      return writing(async (tx) => {
        const rows = await tx.query<{ version: number }>('select version from policy_activation order by id desc limit 2')
        const [current, before] = rows
        if (!current || !before) throw new PolicyStoreError('there is no earlier activation to roll back to')
        await record(tx, before.version, by.author, 'rollback')
        return { version: before.version, previous: current.version }
      })
    },

    async active() {
      const row = await activeRow(db)
      return row ? { version: row.version, files: row.files, digest: row.digest } : null
    },

    async activeVersion() {
      return (await db.query<{ version: number }>(ACTIVE_SQL))[0]?.version ?? null
    },

    async list() {
      const [rows, active] = await Promise.all([
        db.query<Omit<VersionRow, 'files' | 'diff'>>('select version, created_at, author, message, digest from policy_versions order by version'),
        db.query<{ version: number }>(ACTIVE_SQL),
      ])
      const activeVersion = active[0]?.version ?? null
      return rows.map((row) => ({
        version: row.version,
        createdAt: row.created_at,
        author: row.author,
        message: row.message,
        digest: row.digest,
        active: row.version === activeVersion,
      }))
    },

    async get(version) {
      const [rows, active] = await Promise.all([
        db.query<VersionRow>('select * from policy_versions where version = $1', [version]),
        db.query<{ version: number }>(ACTIVE_SQL),
      ])
      const row = rows[0]
      if (!row) return null
      return {
        version: row.version,
        createdAt: row.created_at,
        author: row.author,
        message: row.message,
        digest: row.digest,
        files: row.files,
        diff: row.diff,
        active: active[0]?.version === row.version,
      }
    },
  }
}

function requireAuthor(author: string): void {
  if (author.trim() === '') throw new PolicyStoreError('an author is required')
}
