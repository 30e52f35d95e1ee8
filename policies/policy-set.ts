import { parse as parseYaml } from 'yaml'
import type { DataClassMap } from '../schemas/data-classes.js'
import type { LoadProblem, PolicyFile } from './load.js'
import { agencyDocumentSchema, type AgencyDocument } from './schema/policy.js'
import { purposesDocumentSchema, type Purpose } from './schema/grant.js'
import { proceduresDocumentSchema, type Procedure } from './schema/procedure.js'
import { conditionVariables, KNOWN_VARIABLES } from './evaluate/conditions.js'
import { classProblems } from './evaluate/classes.js'

/** Every agency document and the purpose catalogue, validated together. */
export interface PolicySet {
  agencies: AgencyDocument[]
  purposes: Purpose[]
  /** The procedures dossiers may be exchanged for (`procedures.yaml`; absent: none). */
  procedures?: Procedure[]
}

export type PolicySetResult = { ok: true; set: PolicySet } | { ok: false; problems: LoadProblem[] }

export const PURPOSES_FILE = 'purposes.yaml'
export const PROCEDURES_FILE = 'procedures.yaml'

function readYaml(file: PolicyFile, problems: LoadProblem[]): unknown {
  try {
    return parseYaml(file.text, { prettyErrors: true, maxAliasCount: 100 })
  } catch (error) {
    problems.push({ file: file.name, path: '(document)', message: error instanceof Error ? (error.message.split('\n')[0] ?? 'invalid YAML') : 'invalid YAML' })
    return undefined
  }
}

/**
 * Parses and cross-checks a whole policy set: `agencies/*.yaml`, `purposes.yaml` and `procedures.yaml`. Pure (the
 * caller reads the files). Reports every problem with its file and path; returns nothing usable
 * if anything is wrong, because a half-loaded deny-by-default policy is one that denies or allows
 * the wrong things. Checks across documents: unique agency and client ids, and every purpose a
 * grant names exists in the catalogue. (Coordinates are checked against the GraphQL schema by
 * the gateway, which owns the schema: see `checkCoordinates`.) Data classes are checked here: each
 * class read by a grant is masked or declared plain, and one purpose never does both.
 */
export interface PolicySetOptions {
  /** The data classes of the schema the set will be served with (`dataClassesOf(schema)`). @default the hand-written schema's */
  dataClasses?: DataClassMap
}

export function parsePolicySet(files: PolicyFile[], options: PolicySetOptions = {}): PolicySetResult {
  const problems: LoadProblem[] = []
  const agencies: Array<{ file: string; agency: AgencyDocument }> = []
  let purposes: Purpose[] = []
  const purposesFile = files.find((file) => file.name === PURPOSES_FILE)
  if (!purposesFile) problems.push({ file: PURPOSES_FILE, path: '(document)', message: 'the purpose catalogue is missing' })
  else {
    const parsed = purposesDocumentSchema.safeParse(readYaml(purposesFile, problems))
    if (parsed.success) purposes = parsed.data.purposes
    else for (const issue of parsed.error.issues) problems.push({ file: purposesFile.name, path: issue.path.join('.') || '(document)', message: issue.message })
  }
  let procedures: Procedure[] = []
  const proceduresFile = files.find((file) => file.name === PROCEDURES_FILE)
  if (proceduresFile) {
    const parsed = proceduresDocumentSchema.safeParse(readYaml(proceduresFile, problems))
    if (parsed.success) procedures = parsed.data.procedures
    else
      for (const issue of parsed.error.issues) problems.push({ file: proceduresFile.name, path: issue.path.join('.') || '(document)', message: issue.message })
    const seen = new Set<string>()
    for (const procedure of procedures) {
      if (seen.has(procedure.code)) problems.push({ file: PROCEDURES_FILE, path: 'procedures', message: `procedure ${procedure.code} is defined twice` })
      seen.add(procedure.code)
    }
  }
  const codes = new Set<string>()
  for (const purpose of purposes) {
    if (codes.has(purpose.code)) problems.push({ file: PURPOSES_FILE, path: 'purposes', message: `purpose ${purpose.code} is defined twice` })
    codes.add(purpose.code)
  }
  for (const file of files) {
    if (file.name === PURPOSES_FILE || file.name === PROCEDURES_FILE) continue
    if (!/^agencies\/[^/]+\.ya?ml$/.test(file.name)) {
      problems.push({ file: file.name, path: '(document)', message: 'not a policy file: expected agencies/*.yaml, purposes.yaml or procedures.yaml' })
      continue
    }
    const document = readYaml(file, problems)
    if (document === undefined) continue
    const parsed = agencyDocumentSchema.safeParse(document)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ file: file.name, path: issue.path.join('.') || '(document)', message: issue.message })
      continue
    }
    agencies.push({ file: file.name, agency: parsed.data })
  }
  const seenAgencies = new Map<string, string>()
  const seenClients = new Map<string, string>()
  for (const { file, agency } of agencies) {
    const other = seenAgencies.get(agency.agency)
    if (other) problems.push({ file, path: 'agency', message: `agency ${agency.agency} is also defined in ${other}` })
    seenAgencies.set(agency.agency, file)
    for (const client of agency.clients) {
      const otherClient = seenClients.get(client.id)
      if (otherClient) problems.push({ file, path: 'clients', message: `client ${client.id} is also defined in ${otherClient}` })
      seenClients.set(client.id, file)
    }
    for (const [index, grant] of agency.grants.entries()) {
      for (const [typeName, condition] of Object.entries(grant.where ?? {})) {
        for (const variable of conditionVariables(condition)) {
          if (!(KNOWN_VARIABLES as readonly string[]).includes(variable)) {
            problems.push({
              file,
              path: `grants.${index}.where.${typeName}`,
              message: `unknown variable $${variable} (known: ${KNOWN_VARIABLES.map((v) => `$${v}`).join(', ')})`,
            })
          }
        }
      }
    }
    // One treatment per identifier and purpose: `lgsp policy validate`, `apply` and the console
    // all come through here, so none of them can store a set that masks a class on one path and
    // shows it on another.
    for (const problem of classProblems(agency, options.dataClasses)) problems.push({ file, ...problem })
    if (purposesFile) {
      for (const [index, grant] of agency.grants.entries()) {
        for (const purpose of grant.purposes) {
          if (!codes.has(purpose)) problems.push({ file, path: `grants.${index}.purposes`, message: `purpose ${purpose} is not in ${PURPOSES_FILE}` })
        }
      }
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, set: { agencies: agencies.map((entry) => entry.agency), purposes, procedures } }
}
