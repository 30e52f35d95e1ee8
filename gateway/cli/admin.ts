/**
 * `lgsp admin create-user`: the console's accounts. The password comes from stdin
 * (piped) or is generated and printed once; it is stored only as a PBKDF2 hash. Creating an
 * account is an audit event, like every other admin action.
 */
import { parseArgs } from 'node:util'
import { parseConfig } from '../config.js'
import { openDatabase } from '../entry/database.js'
import { createAccount, findAccount, ACCOUNT_NAME } from '../admin/console/accounts.js'
import { generatePassword, hashPassword } from '../admin/console/password.js'
import { newTotpSecret } from '../admin/console/totp.js'
import { recordCliAction } from './cli-audit.js'
import { adminUsage } from './usage.js'

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

export async function adminCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub !== 'create-user') {
    process.stderr.write(`Usage:\n${adminUsage}`)
    return 2
  }
  const { values } = parseArgs({ args: rest, options: { role: { type: 'string' }, name: { type: 'string' }, totp: { type: 'boolean' } }, strict: true })
  const role = values.role
  if (role !== 'operator' && role !== 'auditor') {
    process.stderr.write('--role must be operator or auditor\n')
    return 2
  }
  if (!values.name || !ACCOUNT_NAME.test(values.name)) {
    process.stderr.write('--name must be 1–64 letters, digits, . _ @ -\n')
    return 2
  }
  // An empty stdin (</dev/null, a script) also gets a generated password.
  const given = process.stdin.isTTY ? '' : await readStdin()
  const generated = given === ''
  const password = generated ? generatePassword() : given
  if (password.length < 12) {
    process.stderr.write('the password must be at least 12 characters\n')
    return 2
  }
  const config = parseConfig(process.env)
  const db = await openDatabase(config)
  try {
    if (await findAccount(db, values.name)) {
      process.stderr.write(`an account named ${values.name} exists already\n`)
      return 1
    }
    const totpSecret = values.totp ? newTotpSecret() : undefined
    await createAccount(db, { name: values.name, role, passwordHash: await hashPassword(password), ...(totpSecret ? { totpSecret } : {}) })
    await recordCliAction(config, db, 'admin.action', { action: 'account.created', account: values.name, role, totp: Boolean(totpSecret) })
    process.stdout.write(`created ${role} ${values.name}\n`)
    // Printed once, never logged: the only copy besides the hash.
    if (generated) process.stdout.write(`password: ${password}\n`)
    if (totpSecret) process.stdout.write(`totp secret (base32, SHA-1, 6 digits, 30 s): ${totpSecret}\n`)
    return 0
  } finally {
    await db.close()
  }
}
