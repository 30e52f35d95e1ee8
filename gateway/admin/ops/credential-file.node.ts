/**
 * Where the running gateway tells the CLI how to reach it: `operator-credential.json` in
 * DATA_DIR, readable by the gateway's OS account only (0600), with the loopback URL of its API,
 * the local operator credential and its pid. Written at each start after the server listens,
 * removed at shutdown; a file left by a killed process is recognised by its dead pid.
 */
import { randomUUID } from 'node:crypto'
import { lstat, open, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { isLoopbackHost } from '../../http/local-peer.js'
import { processAlive } from '../../support/process-alive.node.js'

export const CREDENTIAL_FILE = 'operator-credential.json'

export interface CredentialFile {
  url: string
  credential: string
  pid: number
  startedAt: string
}

export const credentialPath = (dataDir: string) => join(dataDir, CREDENTIAL_FILE)

/**
 * Written whole or not at all (a temporary file renamed over), never readable by others. The
 * temporary file is new (`wx`: an existing file or a symlink planted at its name is refused) and
 * its name unguessable.
 */
export async function writeCredentialFile(dataDir: string, content: CredentialFile): Promise<void> {
  const path = credentialPath(dataDir)
  const temporary = `${path}.${randomUUID()}.tmp`
  const handle = await open(temporary, 'wx', 0o600)
  try {
    await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`)
  } finally {
    await handle.close()
  }
  await rename(temporary, path)
}

export class CredentialFileError extends Error {
  override readonly name = CredentialFileError.name
}

/**
 * The file, when it names a live process; null when absent or left by a dead one. A file that is
 * not one the gateway could have written is refused (CredentialFileError) rather than believed:
 * not a regular file, readable by others, owned by another account, or sending the CLI — with a
 * staff token or a new account's password — anywhere but this machine's loopback.
 */
export async function readCredentialFile(dataDir: string): Promise<CredentialFile | null> {
  const path = credentialPath(dataDir)
  const info = await lstat(path).catch(() => null)
  if (!info) return null
  const uid = process.getuid?.()
  if (!info.isFile() || (info.mode & 0o077) !== 0 || (uid !== undefined && info.uid !== uid && info.uid !== 0))
    throw new CredentialFileError(`${path} is not the gateway's credential file (a regular file of this account, mode 0600); remove it`)
  let parsed: Partial<CredentialFile>
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<CredentialFile>
  } catch {
    throw new CredentialFileError(`${path} is not valid JSON; remove it if no gateway runs`)
  }
  if (typeof parsed.url !== 'string' || typeof parsed.credential !== 'string' || typeof parsed.pid !== 'number')
    throw new CredentialFileError(`${path} lacks url, credential or pid; remove it if no gateway runs`)
  if (!loopbackUrl(parsed.url)) throw new CredentialFileError(`${path} names ${parsed.url}, not a loopback address; remove it`)
  return processAlive(parsed.pid) ? (parsed as CredentialFile) : null
}

function loopbackUrl(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url)
    return protocol === 'http:' && hostname !== 'localhost' && isLoopbackHost(hostname)
  } catch {
    return false
  }
}

/** Removes the file only if it is still this process's (another instance may have replaced it). */
export async function removeCredentialFile(dataDir: string, pid = process.pid): Promise<void> {
  try {
    const current = JSON.parse(await readFile(credentialPath(dataDir), 'utf8')) as Partial<CredentialFile>
    if (current.pid === pid) await rm(credentialPath(dataDir), { force: true })
  } catch {
    // Absent or unreadable: nothing of ours to remove.
  }
}
