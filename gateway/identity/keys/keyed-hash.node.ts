import { createHmac, randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { KeyedHash } from '../../../policies/index.js'

/**
 * HMAC-SHA-256 under the configured HASH_SECRET, or, outside production, under a secret
 * generated once into DATA_DIR/keys/hash-secret (0600) so hashes stay stable across restarts.
 * Output: base64url, 22 characters (128 bits): enough to compare, never to reverse.
 */
export async function createKeyedHash(options: { secret?: string; dataDir: string; production: boolean }): Promise<KeyedHash> {
  let secret = options.secret
  if (!secret) {
    if (options.production) throw new Error('HASH_SECRET is required in production')
    const dir = join(options.dataDir, 'keys')
    const file = join(dir, 'hash-secret')
    try {
      secret = (await readFile(file, 'utf8')).trim()
    } catch {
      await mkdir(dir, { recursive: true, mode: 0o700 })
      secret = randomBytes(32).toString('base64url')
      // wx: two processes starting at once must not overwrite each other's secret
      await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => {
        secret = (await readFile(file, 'utf8')).trim()
      })
    }
  }
  const key = Buffer.from(secret!, 'utf8')
  return (value) => createHmac('sha256', key).update(value, 'utf8').digest('base64url').slice(0, 22)
}
