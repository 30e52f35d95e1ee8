/**
 * `lgsp policy …`: validate a policy directory, store it as a new version, and move the active
 * version. Opens the same database as the gateway (DATABASE_URL, or PGlite in DATA_DIR), so a
 * running PostgreSQL-backed cluster picks an activation up within seconds.
 */
import { parseArgs } from 'node:util'
import { parsePolicySet, type LoadProblem } from '../../policies/index.js'
import { parseConfig, type Config } from '../config.js'
import { openDatabase } from '../entry/database.js'
import type { Database } from '../database/index.js'
import { recordCliAction } from './cli-audit.js'
import { readPolicyFiles } from '../policy/store/read-files.node.js'
import { openPolicyStore, policySetOf, validatePolicyFiles } from '../entry/policies.js'
import { makeExecutableSchema } from '@graphql-tools/schema'
import { typeDefs } from '../../schemas/index.js'
import { explain as explainDecision } from '../policy/index.js'
import { diffFileSets, PolicyStoreError, PolicyValidationError, type PolicyStore } from '../policy/store/index.js'
import { policyUsage } from './usage.js'

const print = (text: string) => process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`)
const printProblems = (problems: LoadProblem[]) => print(problems.map((p) => `${p.file} ${p.path}: ${p.message}`).join('\n'))

function versionArg(raw: string | undefined): number {
  if (!raw || !/^\d+$/.test(raw) || Number(raw) < 1) throw new PolicyStoreError(`a version number is required, got ${raw ?? 'nothing'}`)
  return Number(raw)
}

const withStore = (config: Config, fn: (store: PolicyStore, db: Database) => Promise<number>): Promise<number> => withStoreValue(config, fn)

async function validate(config: Config, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true })
  const files = await readPolicyFiles(positionals[0] ?? config.POLICIES_DIR)
  const problems = validatePolicyFiles(files)
  const result = parsePolicySet(files)
  if (!result.ok || problems.length > 0) {
    printProblems(problems)
    return 1
  }
  const grants = result.set.agencies.reduce((sum, agency) => sum + agency.grants.length, 0)
  print(`${result.set.agencies.length} agencies, ${grants} grants, ${result.set.purposes.length} purposes: valid`)
  return 0
}

async function apply(config: Config, args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { author: { type: 'string' }, message: { type: 'string' } },
  })
  const files = await readPolicyFiles(positionals[0] ?? config.POLICIES_DIR)
  const author = values.author ?? process.env.USER ?? 'cli'
  return withStore(config, async (store, db) => {
    try {
      const result = await store.apply(files, { author, ...(values.message === undefined ? {} : { message: values.message }) })
      if (result.created)
        await recordCliAction(config, db, 'policy.applied', {
          version: result.version,
          author,
          ...(values.message ? { message: values.message.slice(0, 500) } : {}),
        })
      print(
        result.created ? `version ${result.version} applied and active (author ${author})\n${result.diff}` : `unchanged, version ${result.version} is active`,
      )
      return 0
    } catch (error) {
      if (!(error instanceof PolicyValidationError)) throw error
      printProblems(error.problems)
      return 1
    }
  })
}

async function list(store: PolicyStore): Promise<number> {
  const versions = await store.list()
  if (versions.length === 0) print('no policy versions stored')
  for (const v of versions) {
    print(
      `${v.active ? '*' : ' '} ${String(v.version).padStart(4)}  ${v.createdAt.toISOString()}  ${v.digest.slice(0, 12)}  ${v.author}${v.message ? `  ${v.message}` : ''}`,
    )
  }
  return 0
}

async function diff(store: PolicyStore, args: string[]): Promise<number> {
  if (args.length !== 2) throw new PolicyStoreError('usage: lgsp policy diff <a> <b>')
  const [a, b] = await Promise.all(args.map((raw) => store.get(versionArg(raw))))
  if (!a) throw new PolicyStoreError(`there is no policy version ${args[0]}`)
  if (!b) throw new PolicyStoreError(`there is no policy version ${args[1]}`)
  print(diffFileSets(a.files, b.files) || `versions ${a.version} and ${b.version} are identical`)
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
  if (!values.agency || !values.query) throw new PolicyStoreError("usage: lgsp policy explain --agency <id> --purpose <CODE> --query '<graphql>'")
  let files
  if (values.active || values.version) {
    files = await withStoreValue(config, async (store) => {
      const snapshot = values.version ? await store.get(versionArg(values.version)) : await store.active()
      if (!snapshot) throw new PolicyStoreError(values.version ? `no version ${values.version}` : 'no active version')
      return snapshot.files
    })
  } else files = await readPolicyFiles(values.dir ?? config.POLICIES_DIR)
  let set
  try {
    set = policySetOf(files)
  } catch (error) {
    throw new PolicyStoreError(error instanceof Error ? error.message : String(error))
  }
  const result = explainDecision({
    schema: makeExecutableSchema({ typeDefs }),
    set,
    agency: values.agency,
    context: { purpose: values.purpose ?? null, caseId: values['case-id'], endUser: values['end-user'], signed: values.signed },
    query: values.query,
    ...(values['operation-name'] ? { operationName: values['operation-name'] } : {}),
  })
  print(result.text)
  return result.ok && result.decision.allowed ? 0 : 1
}

async function withStoreValue<T>(config: Config, fn: (store: PolicyStore, db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config)
  try {
    return await fn(openPolicyStore(db), db)
  } finally {
    await db.close()
  }
}

export async function policyCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const config = parseConfig(process.env)
  const author = process.env.USER ?? 'cli'
  try {
    switch (sub) {
      case 'validate':
        return await validate(config, rest)
      case 'apply':
        return await apply(config, rest)
      case 'activate': {
        if (rest.length !== 1) throw new PolicyStoreError('usage: lgsp policy activate <version>')
        const version = versionArg(rest[0])
        return await withStore(config, async (store, db) => {
          const result = await store.activate(version, { author })
          if (result.previous !== version) await recordCliAction(config, db, 'policy.activated', { version, previous: result.previous ?? null, author })
          print(result.previous === version ? `version ${version} is already active` : `version ${version} is active (was ${result.previous ?? 'none'})`)
          return 0
        })
      }
      case 'rollback':
        if (rest.length !== 0) throw new PolicyStoreError('usage: lgsp policy rollback')
        return await withStore(config, async (store, db) => {
          const result = await store.rollback({ author })
          await recordCliAction(config, db, 'policy.rolled_back', { version: result.version, previous: result.previous, author })
          print(`rolled back: version ${result.version} is active (was ${result.previous})`)
          return 0
        })
      case 'list':
        return await withStore(config, list)
      case 'diff':
        return await withStore(config, (store) => diff(store, rest))
      case 'explain':
        return await explain(config, rest)
      default:
        process.stderr.write(`Usage:\n${policyUsage}`)
        return 2
    }
  } catch (error) {
    // An operator's mistake (bad version, nothing to roll back to) is a message, not a crash.
    if (error instanceof PolicyStoreError) {
      process.stderr.write(`lgsp policy ${sub}: ${error.message}\n`)
      return 1
    }
    throw error
  }
}
