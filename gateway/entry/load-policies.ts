import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseAgencyDocuments, type AgencyIdentity } from '../../policies/index.js'

/** Reads `<dir>/agencies/*.yaml` and parses them; throws listing every problem in every file. */
export async function loadAgencyDocuments(dir: string): Promise<AgencyIdentity[]> {
  const agenciesDir = join(dir, 'agencies')
  const names = (await readdir(agenciesDir)).filter((name) => /\.ya?ml$/.test(name)).sort()
  const files = await Promise.all(names.map(async (name) => ({ name: `agencies/${name}`, text: await readFile(join(agenciesDir, name), 'utf8') })))
  const result = parseAgencyDocuments(files)
  if (!result.ok) {
    throw new Error(`Invalid policy documents in ${dir}:\n${result.problems.map((p) => `  - ${p.file} ${p.path}: ${p.message}`).join('\n')}`)
  }
  return result.agencies
}
