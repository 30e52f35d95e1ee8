/**
 * `lgsp admin create-user`: the console's accounts. The password comes from stdin
 * (piped) or is generated and printed once; it is stored only as a PBKDF2 hash. Creating an
 * account is an audit event, like every other admin action; with a gateway running, it is made
 * through the gateway (the first account with the local operator credential).
 */
import { parseArgs } from 'node:util'
import { parseConfig } from '../config.js'
import { ACCOUNT_NAME } from '../admin/console/accounts.js'
import { generatePassword } from '../admin/console/password.js'
import { MIN_PASSWORD_LENGTH, OperationError } from '../admin/ops/index.js'
import { connectOperations } from './operations-client.js'
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
  if (password.length < MIN_PASSWORD_LENGTH) {
    process.stderr.write(`the password must be at least ${MIN_PASSWORD_LENGTH} characters\n`)
    return 2
  }
  const config = parseConfig(process.env)
  const ops = await connectOperations(config)
  try {
    const created = await ops.createAccount({ name: values.name, role, password, ...(values.totp ? { totp: true } : {}) })
    process.stdout.write(`created ${role} ${values.name} (via ${ops.via})\n`)
    // Printed once, never logged: the only copy besides the hash.
    if (generated) process.stdout.write(`password: ${password}\n`)
    if (created.totpSecret) process.stdout.write(`totp secret (base32, SHA-1, 6 digits, 30 s): ${created.totpSecret}\n`)
    return 0
  } catch (error) {
    if (!(error instanceof OperationError)) throw error
    process.stderr.write(`lgsp admin create-user: ${error.message}\n`)
    return 1
  } finally {
    await ops.close()
  }
}
