import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { exportJWK, generateKeyPair, type JWK } from 'jose'

export interface DevClientKey {
  clientId: string
  /** Path of the private JWK file, for `lgsp token` and the example client. */
  privateKeyPath: string
  privateJwk: JWK
  publicJwk: JWK
}

/**
 * Key pairs for `dev: true` clients, generated on first use into `<dataDir>/dev-clients/` (mode
 * 0600, never committed: `data/` is git-ignored) and reused after. Production refuses dev clients
 * before this is ever called.
 */
export async function ensureDevClientKeys(dataDir: string, clientIds: string[]): Promise<Map<string, DevClientKey>> {
  const dir = join(dataDir, 'dev-clients')
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const keys = new Map<string, DevClientKey>()
  for (const clientId of clientIds) {
    const privateKeyPath = join(dir, `${clientId}.private.jwk.json`)
    let privateJwk: JWK
    try {
      privateJwk = JSON.parse(await readFile(privateKeyPath, 'utf8')) as JWK
    } catch {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true })
      privateJwk = { ...(await exportJWK(privateKey)), kid: `${clientId}-dev-1`, alg: 'ES256', use: 'sig' }
      const temporary = `${privateKeyPath}.${process.pid}.tmp`
      await writeFile(temporary, `${JSON.stringify(privateJwk, null, 2)}\n`, { mode: 0o600 })
      await rename(temporary, privateKeyPath)
      await chmod(privateKeyPath, 0o600)
    }
    const { d: _private, ...publicJwk } = privateJwk
    keys.set(clientId, { clientId, privateKeyPath, privateJwk, publicJwk })
  }
  return keys
}
