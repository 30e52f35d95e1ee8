import type { Database, Queryable } from './database.js'

/**
 * One schema change. Append-only: an applied migration is never edited (its id is recorded in
 * `schema_migrations`); change the schema with a new one. Each statement runs on its own
 * because the port's `query` is single-statement (PGlite's extended protocol).
 */
export interface Migration {
  id: string
  statements: string[]
}

/** Any 64-bit constant both adapters agree on; it only has to differ from other advisory locks. */
const MIGRATION_LOCK = 7_428_190_263

export const migrations: readonly Migration[] = [
  {
    id: '0001_policy_store',
    statements: [
      // Versions are immutable: the code never updates or deletes them, and the trigger below
      // refuses it for anyone else with write access, so an old version means what it said.
      `create table policy_versions (
        version integer generated always as identity primary key,
        created_at timestamptz not null default now(),
        author text not null,
        message text,
        digest text not null check (digest ~ '^[0-9a-f]{64}$'),
        files jsonb not null,
        diff text not null
      )`,
      `create function policy_versions_immutable() returns trigger language plpgsql as $$
        begin raise exception 'policy versions are immutable'; end $$`,
      `create trigger policy_versions_immutable before update or delete on policy_versions
        for each row execute function policy_versions_immutable()`,
      // The active version is the latest row here; history (who activated what, when) is kept.
      `create table policy_activation (
        id integer generated always as identity primary key,
        version integer not null references policy_versions (version),
        activated_at timestamptz not null default now(),
        author text not null,
        action text not null check (action in ('apply', 'activate', 'rollback'))
      )`,
    ],
  },
]

/**
 * Applies the pending migrations in one transaction, in order. Safe when several instances start
 * at once: the transaction-scoped advisory lock makes the others wait, and they then find the
 * work done. A failing migration rolls everything back and throws naming it.
 * @returns the ids applied now (empty when the schema was current).
 */
export async function migrate(db: Database, list: readonly Migration[] = migrations): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await tx.query(`create table if not exists schema_migrations (
      id text primary key,
      applied_at timestamptz not null default now()
    )`)
    const done = new Set((await tx.query<{ id: string }>('select id from schema_migrations')).map((row) => row.id))
    const applied: string[] = []
    for (const migration of list) {
      if (done.has(migration.id)) continue
      await applyOne(tx, migration)
      applied.push(migration.id)
    }
    return applied
  })
}

async function applyOne(tx: Queryable, migration: Migration): Promise<void> {
  try {
    for (const statement of migration.statements) await tx.query(statement)
    await tx.query('insert into schema_migrations (id) values ($1)', [migration.id])
  } catch (error) {
    throw new Error(`migration ${migration.id} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
}
