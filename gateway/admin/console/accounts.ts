/**
 * Console accounts and sessions over the database port. A session id lives only in the
 * browser's cookie; the table keys sessions by its SHA-256, with an expiry checked on every read.
 */
import { sha256Hex } from '../../support/index.js'
import type { Queryable } from '../../database/index.js'
import type { StaffRole } from '../staff-token.js'

export const ACCOUNT_NAME = /^[A-Za-z0-9._@-]{1,64}$/
/** A session ends this long after login (not sliding): a working day fits, a forgotten laptop overnight does not. */
export const SESSION_TTL_MS = 8 * 3600_000

export interface Account {
  name: string
  role: StaffRole
  passwordHash: string
  totpSecret: string | null
  disabled: boolean
}

export interface Session {
  account: string
  role: StaffRole
  csrf: string
  expiresAt: Date
}

const randomId = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

export async function createAccount(db: Queryable, account: { name: string; role: StaffRole; passwordHash: string; totpSecret?: string }): Promise<void> {
  if (!ACCOUNT_NAME.test(account.name)) throw new TypeError('An account name is 1–64 letters, digits, . _ @ -')
  await db.query('insert into admin_accounts (name, role, password_hash, totp_secret) values ($1, $2, $3, $4)', [
    account.name,
    account.role,
    account.passwordHash,
    account.totpSecret ?? null,
  ])
}

export async function findAccount(db: Queryable, name: string): Promise<Account | null> {
  if (!ACCOUNT_NAME.test(name)) return null
  const [row] = await db.query<{ name: string; role: StaffRole; password_hash: string; totp_secret: string | null; disabled: boolean }>(
    'select name, role, password_hash, totp_secret, disabled from admin_accounts where name = $1',
    [name],
  )
  return row ? { name: row.name, role: row.role, passwordHash: row.password_hash, totpSecret: row.totp_secret, disabled: row.disabled } : null
}

/** A fresh session (new random id: a login never reuses an id the browser already had). */
export async function openSession(db: Queryable, account: string, now = Date.now()): Promise<{ id: string; csrf: string }> {
  const id = randomId()
  const csrf = randomId()
  await db.query('insert into admin_sessions (id_hash, account, csrf, expires_at) values ($1, $2, $3, $4)', [
    await sha256Hex(id),
    account,
    csrf,
    new Date(now + SESSION_TTL_MS).toISOString(),
  ])
  // Expired rows are swept here rather than by a timer: logins are rare and cheap to piggyback on.
  await db.query('delete from admin_sessions where expires_at < now()')
  return { id, csrf }
}

export async function readSession(db: Queryable, id: string): Promise<Session | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(id)) return null
  const [row] = await db.query<{ account: string; role: StaffRole; csrf: string; expires_at: Date; disabled: boolean }>(
    `select s.account, a.role, s.csrf, s.expires_at, a.disabled from admin_sessions s join admin_accounts a on a.name = s.account
      where s.id_hash = $1 and s.expires_at > now()`,
    [await sha256Hex(id)],
  )
  return row && !row.disabled ? { account: row.account, role: row.role, csrf: row.csrf, expiresAt: new Date(row.expires_at) } : null
}

export async function closeSession(db: Queryable, id: string): Promise<void> {
  await db.query('delete from admin_sessions where id_hash = $1', [await sha256Hex(id)])
}
