import { readdir, readFile, realpath, stat } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { parseAgencyDocuments, PROCEDURES_FILE, PURPOSES_FILE, type AgencyIdentity, type PolicyFile } from '../../../policies/index.js'

/** Largest policy file read: a policy document is a page of YAML, never megabytes. */
export const MAX_POLICY_FILE_BYTES = 1024 * 1024

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

/**
 * Reads a policy directory into the files of a policy set: `agencies/*.yaml` in name order, then
 * `purposes.yaml` and `procedures.yaml` when present. A symlink that leads outside the directory, a non-regular file
 * or one over 1 MiB is refused: applying a directory must not publish some other file's contents.
 */
export async function readPolicyFiles(dir: string): Promise<PolicyFile[]> {
  const root = await realpath(dir)
  let agencyNames: string[] = []
  try {
    agencyNames = (await readdir(join(root, 'agencies'))).filter((name) => /\.ya?ml$/.test(name)).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const names = agencyNames.map((name) => `agencies/${name}`)
  for (const catalogue of [PURPOSES_FILE, PROCEDURES_FILE]) {
    try {
      await stat(join(root, catalogue))
      names.push(catalogue)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  return Promise.all(names.map(async (name) => ({ name, text: await readInside(root, name) })))
}

async function readInside(root: string, name: string): Promise<string> {
  const target = await realpath(join(root, name))
  if (!target.startsWith(root + sep)) throw new Error(`${name} leads outside the policy directory`)
  const info = await stat(target)
  if (!info.isFile()) throw new Error(`${name} is not a regular file`)
  if (info.size > MAX_POLICY_FILE_BYTES) throw new Error(`${name} is larger than ${MAX_POLICY_FILE_BYTES} bytes`)
  return readFile(target, 'utf8')
}
