/**
 * `lgsp`: the operator command.
 */
import { parseArgs } from 'node:util'
import { startSandboxes } from '../../connectors/sandboxes.js'
import { ConfigError } from '../config.js'
import { adminCommand, adminUsage } from './admin.js'
import { auditCommand, auditUsage } from './audit.js'
import { exchangeCommand, exchangeUsage } from './exchange.js'
import { conformanceCommand, conformanceUsage } from './conformance.js'
import { contractCommand, contractUsage } from './contract.js'
import { keysCommand } from './keys.js'
import { policyCommand, policyUsage } from './policy.js'
import { tokenCommand } from './token.js'
import { verifyCommand, verifyUsage } from './verify.js'

const usage = `Usage: lgsp <command> [options]

Commands:
  sandbox [--seed N] [--citizens N] [--parcels N] [--enterprises N] [--port-base P]
          Serve the three sandbox registries on 127.0.0.1 (population, land, business)
          on ports P, P+1, P+2 (default: ephemeral), until interrupted.
  token --agency <id> [--client <id>] | --citizen <PIN> | --auditor <name> | --operator <name>
          Print a development access token for an agency's client, a sandbox citizen token, or a
          staff token for /admin/api (uses DATA_DIR, POLICIES_DIR and the issuer from the same
          environment as the gateway).
  keys rotate
          Add a gateway signing key; the old one verifies until its tokens expire, then retires.
${policyUsage}${auditUsage}${verifyUsage}${exchangeUsage}${contractUsage}${conformanceUsage}${adminUsage}  help    Show this text.
`

async function sandbox(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: 'string' },
      citizens: { type: 'string' },
      parcels: { type: 'string' },
      enterprises: { type: 'string' },
      'port-base': { type: 'string' },
    },
    strict: true,
  })
  const numbers: Record<string, number | undefined> = {}
  for (const [name, raw] of Object.entries(values)) {
    const value = Number(raw)
    if (!Number.isInteger(value) || value < 0) {
      process.stderr.write(`--${name} must be a non-negative integer\n`)
      return 2
    }
    numbers[name] = value
  }
  const base = numbers['port-base']
  if (base !== undefined && (base < 1024 || base > 65533)) {
    process.stderr.write('--port-base must be between 1024 and 65533 (three consecutive ports)\n')
    return 2
  }
  const sandboxes = await startSandboxes({
    seed: numbers.seed,
    citizens: numbers.citizens,
    parcels: numbers.parcels,
    enterprises: numbers.enterprises,
    ...(base ? { ports: { population: base, land: base + 1, business: base + 2 } } : {}),
  })
  process.stdout.write(`population ${sandboxes.population.url}\nland       ${sandboxes.land.url}/ws/DatDai.asmx?wsdl\nbusiness   ${sandboxes.business.url}\n`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await sandboxes.close()
  return 0
}

export async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'sandbox':
        return await sandbox(rest)
      case 'token':
        return await tokenCommand(rest)
      case 'keys':
        return await keysCommand(rest)
      case 'policy':
        return await policyCommand(rest)
      case 'audit':
        return await auditCommand(rest)
      case 'admin':
        return await adminCommand(rest)
      case 'exchange':
        return await exchangeCommand(rest)
      case 'contract':
        return await contractCommand(rest)
      case 'verify':
        return await verifyCommand(rest)
      case 'conformance':
        return await conformanceCommand(rest)
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(usage)
        return command === undefined ? 2 : 0
      default:
        process.stderr.write(`Unknown command: ${command}\n\n${usage}`)
        return 2
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      return 2
    }
    process.stderr.write(`lgsp ${command}: ${error instanceof Error ? error.message : String(error)}\n`)
    return 2
  }
}
