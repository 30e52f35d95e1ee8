import { parseConfig } from '../config.js'
import { openDatabase } from '../entry/database.js'
import { createFileKeyStore } from '../identity/keys/file-key-store.node.js'
import { recordCliAction } from './cli-audit.js'
import { createGatewayKeys } from '../identity/keys/index.js'

/**
 * `lgsp keys rotate`: adds a signing key; the previous one keeps verifying until every token it
 * signed has expired, then is retired. Running gateways pick the change up within seconds.
 */
export async function keysCommand(args: string[]): Promise<number> {
  if (args[0] !== 'rotate' || args.length > 1) {
    process.stderr.write('Usage: lgsp keys rotate\n')
    return 2
  }
  const config = parseConfig(process.env)
  const keys = createGatewayKeys({
    store: createFileKeyStore({ dir: config.DATA_DIR, ...(config.GATEWAY_KEYS_PASSPHRASE ? { passphrase: config.GATEWAY_KEYS_PASSPHRASE } : {}) }),
  })
  try {
    // rotate() reads the store itself; init() first would create a key only to retire it.
    const { kid, retiring } = await keys.rotate()
    // Recorded here when the database is free; running gateways record the switch they observe
    // either way (an embedded database is held by the gateway that runs on it).
    try {
      const db = await openDatabase(config)
      try {
        await recordCliAction(config, db, 'keys.rotated', { kid, retiring }, keys)
      } finally {
        await db.close()
      }
    } catch (error) {
      process.stderr.write(
        `note: the rotation was not recorded by the CLI (${error instanceof Error ? error.message : String(error)}); running gateways record it when they switch keys\n`,
      )
    }
    process.stdout.write(`New signing key ${kid}${retiring ? `; ${retiring} keeps verifying until its tokens expire, then retires` : ''}\n`)
    return 0
  } finally {
    keys.close()
  }
}
