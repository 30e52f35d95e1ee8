/**
 * `lgsp`: the operator command. Each command's module is loaded only when that command runs: a
 * module pulls in the database, GraphQL or the sandboxes, and loading them all made every
 * command, `help` included, spend seconds before doing anything.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ConfigError } from '../config.js'
import {
  adminUsage,
  auditUsage,
  conformanceUsage,
  connectorUsage,
  contractUsage,
  exchangeUsage,
  keysUsage,
  operationsNote,
  policyUsage,
  sandboxUsage,
  tokenUsage,
  verifyUsage,
} from './usage.js'

/** Each command: what it takes (and a note its --help adds), and its module, loaded when it runs. */
const COMMANDS: Record<string, { usage: string; note?: string; run: (args: string[]) => Promise<number> }> = {
  sandbox: { usage: sandboxUsage, run: (args) => sandbox(args) },
  token: { usage: tokenUsage, run: async (args) => (await import('./token.js')).tokenCommand(args) },
  keys: { usage: keysUsage, run: async (args) => (await import('./keys.js')).keysCommand(args) },
  policy: { usage: policyUsage, note: operationsNote, run: async (args) => (await import('./policy.js')).policyCommand(args) },
  audit: { usage: auditUsage, note: operationsNote, run: async (args) => (await import('./audit.js')).auditCommand(args) },
  verify: { usage: verifyUsage, run: async (args) => (await import('./verify.js')).verifyCommand(args) },
  exchange: { usage: exchangeUsage, run: async (args) => (await import('./exchange.js')).exchangeCommand(args) },
  contract: { usage: contractUsage, run: async (args) => (await import('./contract.js')).contractCommand(args) },
  conformance: { usage: conformanceUsage, run: async (args) => (await import('./conformance.js')).conformanceCommand(args) },
  admin: { usage: adminUsage, note: operationsNote, run: async (args) => (await import('./admin.js')).adminCommand(args) },
  connector: { usage: connectorUsage, run: async (args) => (await import('./connector.js')).connectorCommand(args) },
}

const usage = `Usage: lgsp <command> [options]     (lgsp <command> --help: that command alone; lgsp --version)

Commands:
${Object.values(COMMANDS)
  .map((command) => command.usage)
  .join('')}  help    Show this text.
${operationsNote}`

/** The version in package.json, read from beside this file (no import: it is JSON). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string }
  return `${pkg.name} ${pkg.version}`
}

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
  const { startSandboxes } = await import('../../connectors/sandboxes.js')
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
    if (command === '--version' || command === '-v' || command === 'version') {
      process.stdout.write(`${version()}\n`)
      return 0
    }
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      const named = command === 'help' && rest[0] ? COMMANDS[rest[0]] : undefined
      process.stdout.write(named ? `Usage:\n${named.usage}${named.note ?? ''}` : usage)
      return command === undefined ? 2 : 0
    }
    const known = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
    if (!known) {
      process.stderr.write(`Unknown command: ${command}. Commands: ${Object.keys(COMMANDS).join(', ')}, help.\n`)
      return 2
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`Usage:\n${known.usage}${known.note ?? ''}`)
      return 0
    }
    return await known.run(rest)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      return 2
    }
    process.stderr.write(`lgsp ${command}: ${error instanceof Error ? error.message : String(error)}\n`)
    return 2
  }
}
