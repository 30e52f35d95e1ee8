import { parse as parseYaml } from 'yaml'
import { agencyIdentitySchema, type AgencyIdentity } from './schema/agency.js'

export interface PolicyFile {
  /** File name, for messages (`agencies/cong-an-hong-ha.yaml`). */
  name: string
  text: string
}

export interface LoadProblem {
  file: string
  path: string
  message: string
}

export type LoadResult = { ok: true; agencies: AgencyIdentity[] } | { ok: false; problems: LoadProblem[] }

/**
 * Parses agency documents (YAML text; reading the files is the caller's job, so this stays free
 * of I/O). Every problem in every file is reported, with the file and the path in the document;
 * duplicate agency or client ids across files are problems too. Nothing is loaded if anything is
 * wrong: a half-loaded policy set is how a deny-by-default gateway ends up allowing too much.
 */
export function parseAgencyDocuments(files: PolicyFile[]): LoadResult {
  const problems: LoadProblem[] = []
  const agencies: AgencyIdentity[] = []
  for (const file of files) {
    let document: unknown
    try {
      document = parseYaml(file.text, { prettyErrors: true, maxAliasCount: 100 })
    } catch (error) {
      problems.push({
        file: file.name,
        path: '(document)',
        message: error instanceof Error ? (error.message.split('\n')[0] ?? 'invalid YAML') : 'invalid YAML',
      })
      continue
    }
    const result = agencyIdentitySchema.safeParse(document)
    if (!result.success) {
      for (const issue of result.error.issues) problems.push({ file: file.name, path: issue.path.join('.') || '(document)', message: issue.message })
      continue
    }
    agencies.push(result.data)
  }
  const seenAgencies = new Map<string, string>()
  const seenClients = new Map<string, string>()
  for (const [index, agency] of agencies.entries()) {
    const file = files[index]?.name ?? '?'
    if (seenAgencies.has(agency.agency))
      problems.push({ file, path: 'agency', message: `agency ${agency.agency} is also defined in ${seenAgencies.get(agency.agency)}` })
    seenAgencies.set(agency.agency, file)
    for (const client of agency.clients) {
      if (seenClients.has(client.id)) problems.push({ file, path: 'clients', message: `client ${client.id} is also defined in ${seenClients.get(client.id)}` })
      seenClients.set(client.id, file)
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, agencies }
}
