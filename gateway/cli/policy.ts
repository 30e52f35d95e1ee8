/**
 * `lgsp policy …`: validate a policy directory, store it as a new version, and move the active
 * version. Through the running gateway when one runs (it switches at once, the other instances
 * within their poll), else in the database the gateway will open (DATABASE_URL, or DATA_DIR).
 */
import { parseArgs } from 'node:util'
import type { LoadProblem } from '../../policies/index.js'
import { parseConfig, type Config } from '../config.js'
import { readPolicyFiles } from '../policy/store/read-files.node.js'
import { parseServedPolicySet, policySchema, policySetOf, validatePolicyFiles } from '../entry/policies.js'
import { OperationError, versionNumber } from '../admin/ops/index.js'
import { connectOperations, type Operations } from './operations-client.js'
import { explain as explainDecision } from '../policy/index.js'
import { policyUsage } from './usage.js'

const print = (text: string) => process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`)
const printProblems = (problems: LoadProblem[]) => print(problems.map((p) => `${p.file} ${p.path}: ${p.message}`).join('\n'))

/** Runs `fn` with the operations (the running gateway's, else the database's); an operator's mistake is a message. */
async function withOperations(config: Config, fn: (ops: Operations) => Promise<number>): Promise<number> {
  const ops = await connectOperations(config)
  try {
    return await fn(ops)
  } finally {
    await ops.close()
  }
}

async function validate(config: Config, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true })
  const files = await readPolicyFiles(positionals[0] ?? config.POLICIES_DIR)
  const problems = validatePolicyFiles(files)
  const result = parseServedPolicySet(files)
  if (!result.ok || problems.length > 0) {
    printProblems(problems)
    return 1
  }
  const grants = result.set.agencies.reduce((sum, agency) => sum + agency.grants.length, 0)
  print(`${result.set.agencies.length} agencies, ${grants} grants, ${result.set.purposes.length} purposes: valid`)
  return 0
}

async function apply(config: Config, args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, strict: true, options: { message: { type: 'string' } } })
  const files = await readPolicyFiles(positionals[0] ?? config.POLICIES_DIR)
  // Checked here first: a mistake is shown without a round trip, with the same words as the store's.
  const problems = validatePolicyFiles(files)
  if (problems.length > 0) {
    printProblems(problems)
    return 1
  }
  return withOperations(config, async (ops) => {
    const result = await ops.applyPolicy(files, values.message)
    print(result.created ? `version ${result.version} applied and active (via ${ops.via})\n${result.diff}` : `unchanged, version ${result.version} is active`)
    return 0
  })
}

async function list(ops: Operations): Promise<number> {
  const versions = await ops.listPolicies()
  if (versions.length === 0) print('no policy versions stored')
  for (const v of versions) {
    print(`${v.active ? '*' : ' '} ${String(v.version).padStart(4)}  ${v.createdAt}  ${v.digest.slice(0, 12)}  ${v.author}${v.message ? `  ${v.message}` : ''}`)
  }
  return 0
}

async function diff(ops: Operations, args: string[]): Promise<number> {
  if (args.length !== 2) throw new OperationError('usage: lgsp policy diff <a> <b>')
  print((await ops.diffPolicies(versionNumber(args[0]), versionNumber(args[1]))).text)
  return 0
}

async function explain(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      agency: { type: 'string' },
      purpose: { type: 'string' },
      query: { type: 'string' },
      'operation-name': { type: 'string' },
      'case-id': { type: 'boolean', default: false },
      'end-user': { type: 'boolean', default: false },
      signed: { type: 'boolean', default: false },
      dir: { type: 'string' },
      active: { type: 'boolean', default: false },
      version: { type: 'string' },
    },
  })
  if (!values.agency || !values.query) throw new OperationError("usage: lgsp policy explain --agency <id> --purpose <CODE> --query '<graphql>'")
  let files
  if (values.active || values.version) {
    const ops = await connectOperations(config)
    try {
      files = (await ops.policyFiles(values.version ? versionNumber(values.version) : undefined)).files
    } finally {
      await ops.close()
    }
  } else files = await readPolicyFiles(values.dir ?? config.POLICIES_DIR)
  let set
  try {
    set = policySetOf(files)
  } catch (error) {
    throw new OperationError(error instanceof Error ? error.message : String(error))
  }
  const result = explainDecision({
    schema: policySchema(),
    set,
    agency: values.agency,
    context: { purpose: values.purpose ?? null, caseId: values['case-id'], endUser: values['end-user'], signed: values.signed },
    query: values.query,
    ...(values['operation-name'] ? { operationName: values['operation-name'] } : {}),
  })
  print(result.text)
  return result.ok && result.decision.allowed ? 0 : 1
}

export async function policyCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const config = parseConfig(process.env)
  try {
    switch (sub) {
      case 'validate':
        return await validate(config, rest)
      case 'apply':
        return await apply(config, rest)
      case 'activate': {
        if (rest.length !== 1) throw new OperationError('usage: lgsp policy activate <version>')
        const version = versionNumber(rest[0])
        return await withOperations(config, async (ops) => {
          const result = await ops.activatePolicy(version)
          print(result.previous === version ? `version ${version} is already active` : `version ${version} is active (was ${result.previous ?? 'none'})`)
          return 0
        })
      }
      case 'rollback':
        if (rest.length !== 0) throw new OperationError('usage: lgsp policy rollback')
        return await withOperations(config, async (ops) => {
          const result = await ops.rollbackPolicy()
          print(`rolled back: version ${result.version} is active (was ${result.previous})`)
          return 0
        })
      case 'list':
        return await withOperations(config, list)
      case 'diff':
        return await withOperations(config, (ops) => diff(ops, rest))
      case 'explain':
        return await explain(config, rest)
      default:
        process.stderr.write(`Usage:\n${policyUsage}`)
        return 2
    }
  } catch (error) {
    // An operator's mistake (bad version, nothing to roll back to, no gateway answering) is a message, not a crash.
    if (error instanceof OperationError) {
      process.stderr.write(`lgsp policy ${sub}: ${error.message}\n`)
      return 1
    }
    throw error
  }
}
