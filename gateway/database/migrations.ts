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
  {
    id: '0002_audit_trail',
    statements: [
      // One row per event. `body` is the canonical JSON the chain hashes; the other columns are
      // copies for search, checked against the body by `lgsp audit verify`. Subjects are keyed
      // hashes, never identifiers.
      `create table audit_events (
        writer text not null,
        seq bigint not null,
        id uuid not null unique,
        at timestamptz not null,
        kind text not null,
        request_id text not null,
        agency text,
        client text,
        end_user text,
        purpose text,
        case_id text,
        decision text not null,
        code text,
        status integer not null,
        subjects text[] not null,
        withheld_until timestamptz,
        body text not null,
        prev_hash text not null,
        hash text not null,
        primary key (writer, seq)
      )`,
      'create index audit_events_at on audit_events (at desc, writer, seq)',
      'create index audit_events_agency_at on audit_events (agency, at desc)',
      'create index audit_events_request on audit_events (request_id)',
      'create index audit_events_subjects on audit_events using gin (subjects)',
      `create table audit_checkpoints (
        writer text not null,
        seq bigint not null,
        hash text not null,
        at timestamptz not null,
        final boolean not null,
        kid text not null,
        jws text not null,
        primary key (writer, seq, final)
      )`,
      // Where the retention job cut a chain's oldest events (always at a signed checkpoint).
      `create table audit_retention (
        writer text primary key,
        through_seq bigint not null,
        at timestamptz not null default now()
      )`,
      // Append-only: no update ever; delete only by the retention job, which says so for its own
      // transaction (set local lgsp.audit_retention = 'on'). Whoever bypasses this still breaks
      // the chain, which verification reports.
      `create function audit_append_only() returns trigger language plpgsql as $$
        begin
          if tg_op = 'DELETE' and coalesce(current_setting('lgsp.audit_retention', true), '') = 'on' then return old; end if;
          raise exception 'the audit trail is append-only';
        end $$`,
      `create trigger audit_events_append_only before update or delete on audit_events
        for each row execute function audit_append_only()`,
      `create trigger audit_checkpoints_append_only before update or delete on audit_checkpoints
        for each row execute function audit_append_only()`,
    ],
  },
  {
    id: '0003_admin_accounts',
    statements: [
      // Console accounts. The password is a slow KDF hash, never the password.
      `create table admin_accounts (
        name text primary key,
        role text not null check (role in ('operator', 'auditor')),
        password_hash text not null,
        totp_secret text,
        disabled boolean not null default false,
        created_at timestamptz not null default now()
      )`,
      // Server-side sessions: only the SHA-256 of the cookie's id is stored, so a copy of this
      // table lets nobody in. The CSRF token is per session (synchronizer token).
      `create table admin_sessions (
        id_hash text primary key,
        account text not null references admin_accounts (name) on delete cascade,
        csrf text not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null
      )`,
      'create index admin_sessions_expires on admin_sessions (expires_at)',
    ],
  },
  {
    id: '0004_audit_signals',
    statements: [
      // Events that carry a signal for auditors (suspected probing …) are few: a partial index
      // finds them without a column copied from the body (the hashed body is the only truth,
      // and a copy would be one more thing for `lgsp audit verify` to compare).
      `create index audit_events_signalled on audit_events (at desc, writer, seq) where body like '%"signals":%'`,
    ],
  },
  {
    id: '0005_dossier_exchange',
    statements: [
      // One row per dossier: where it stands. Its history is dossier_progress; what the other
      // systems must hear of each step is exchange_outbox, written in the same transaction.
      `create table dossiers (
        code text primary key,
        procedure text not null,
        channel smallint not null check (channel between 1 and 3),
        applicant text not null,
        receiving_agency text not null,
        handling_agency text,
        holder text not null,
        status smallint not null check (status between 1 and 10),
        received_at timestamptz not null,
        due_at timestamptz,
        finished_at timestamptz,
        version integer not null check (version >= 1)
      )`,
      `create table dossier_progress (
        dossier text not null references dossiers (code),
        seq integer not null,
        agency text not null,
        officer text,
        step text not null,
        note text,
        at timestamptz not null,
        status smallint not null,
        primary key (dossier, seq)
      )`,
      `create table exchange_outbox (
        id uuid primary key,
        dossier text not null references dossiers (code),
        seq integer not null,
        receiver text not null,
        payload jsonb not null,
        created_at timestamptz not null,
        state text not null default 'pending' check (state in ('pending', 'delivered', 'dead')),
        attempts integer not null default 0,
        next_attempt_at timestamptz not null,
        last_error text
      )`,
      // Per receiver in order: the delivery worker takes the oldest pending message of a dossier.
      `create index exchange_outbox_pending on exchange_outbox (next_attempt_at, dossier, seq) where state = 'pending'`,
      // The answer to each Idempotency-Key, per agency: a retried request gets it again.
      `create table idempotency_keys (
        agency text not null,
        key text not null,
        request_hash text not null check (request_hash ~ '^[0-9a-f]{64}$'),
        response jsonb not null,
        created_at timestamptz not null,
        primary key (agency, key)
      )`,
    ],
  },
  {
    id: '0006_blobs',
    statements: [
      // Document parts, addressed by their SHA-256: the same bytes are stored once, and a part
      // is fetched by the hash its dossier names (checked again on every read).
      `create table blobs (
        sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
        media_type text not null,
        size integer not null check (size >= 0),
        content bytea not null,
        created_at timestamptz not null default now()
      )`,
    ],
  },
  {
    id: '0007_step_audit_chains',
    statements: [
      // The heads of the audit chains written inside other transactions (a dossier step and its
      // event commit together): the row lock orders the writers of one chain, across instances.
      `create table audit_chain_heads (
        writer text primary key,
        seq bigint not null check (seq >= 0),
        hash text not null check (hash ~ '^[0-9a-f]{64}$'),
        checkpoint_seq bigint not null check (checkpoint_seq >= 0)
      )`,
      // The document parts each dossier names, by hash, as each step added them.
      `create table dossier_parts (
        dossier text not null references dossiers (code),
        seq integer not null,
        position smallint not null,
        name text not null,
        copy_type smallint not null check (copy_type between 0 and 2),
        media_type text not null,
        size integer not null check (size >= 0),
        sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
        primary key (dossier, seq, position)
      )`,
      'create index dossier_parts_sha256 on dossier_parts (sha256)',
      // Where a dossier concerns (the commune), for the grants' jurisdiction conditions.
      'alter table dossiers add column commune text',
      // A citizen's own dossiers ("my dossiers"), by the applicant.
      'create index dossiers_applicant on dossiers (applicant, received_at desc)',
    ],
  },
  {
    id: '0008_part_signatures',
    statements: [
      // What the check of each part's signature found when the part entered the exchange, and the
      // detached CMS signature's own part when it was signed apart from its content.
      `alter table dossier_parts
         add column signature_status text check (signature_status in ('VALID', 'INVALID', 'UNTRUSTED', 'EXPIRED', 'REVOKED', 'UNSIGNED')),
         add column signature_signer text,
         add column signature_signed_at timestamptz,
         add column signature_reason text,
         add column signature_sha256 text check (signature_sha256 ~ '^[0-9a-f]{64}$')`,
      'create index dossier_parts_signature on dossier_parts (signature_sha256) where signature_sha256 is not null',
    ],
  },
  {
    id: '0009_conformance_reports',
    statements: [
      // The conformance reports an operator recorded for each partner agency, as signed: the
      // latest green one under the contract in force clears the agency's clients for tokens when
      // its policy asks for it.
      `create table conformance_reports (
        id bigint generated always as identity primary key,
        agency text not null,
        role text not null,
        wire text not null,
        target text not null,
        contract_version text not null,
        green boolean not null,
        passed integer not null,
        failed integer not null,
        finished_at timestamptz not null,
        recorded_at timestamptz not null,
        recorded_by text not null,
        report text not null
      )`,
      'create index conformance_reports_agency on conformance_reports (agency, recorded_at desc)',
    ],
  },
  {
    id: '0010_outbox_traceparent',
    statements: [
      // The W3C traceparent of the step that wrote the message: its delivery, however much later
      // and on whichever instance, continues that step's trace. Null for messages written before.
      `alter table exchange_outbox add column traceparent text check (traceparent ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$')`,
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
