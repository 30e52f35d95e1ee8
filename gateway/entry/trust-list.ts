import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config.js'
import { emptyTrustList, type TrustList } from '../documents/index.js'
import { toPem } from '../documents/pem.js'
import { readTrustList } from '../documents/trust-list-files.node.js'
import type { Logger } from '../logger.js'

export interface DocumentTrust {
  /** The trust list in force (the sandbox one once it is ready). */
  trust: () => TrustList
  /** Where it comes from, for the start banner. */
  source: string
  /** Settles when the sandbox hierarchy has been generated and written (at once otherwise). */
  ready: Promise<void>
}

/**
 * What document signatures are checked against. `TRUST_LIST_DIR` when set (read at start; a bad
 * file stops the start, naming it). Unset in production: nothing is trusted, and the log says so.
 * Unset outside production: the sandbox hierarchy under `DATA_DIR/sandbox-pki`, generated on the
 * first start (about a second of key generation, so in the background: the gateway answers at
 * once, and parts checked before it is ready are UNTRUSTED) with its signers' keys beside it, so
 * a developer can sign a test document (`openssl cms -sign …`, see the README).
 */
export function documentTrust(config: Config, logger: Logger): DocumentTrust {
  if (config.TRUST_LIST_DIR) {
    const list = readTrustList(config.TRUST_LIST_DIR)
    return { trust: () => list, source: config.TRUST_LIST_DIR, ready: Promise.resolve() }
  }
  if (config.NODE_ENV === 'production') {
    logger.warn({ variable: 'TRUST_LIST_DIR' }, 'no trust list: every signed dossier part is recorded as UNTRUSTED')
    const list = emptyTrustList()
    return { trust: () => list, source: 'none', ready: Promise.resolve() }
  }
  const dir = join(config.DATA_DIR, 'sandbox-pki')
  const trustDir = join(dir, 'trust')
  let list = emptyTrustList()
  const ready = existsSync(trustDir)
    ? Promise.resolve().then(() => {
        list = readTrustList(trustDir)
      })
    : writeSandboxPki(dir).then((written) => {
        list = written
        logger.info({ dir }, 'sandbox trust list generated (government and public roots, an intermediate, CRLs, sample signers)')
      })
  ready.catch((error: unknown) => logger.error({ err: error }, 'sandbox trust list not available: signed parts are recorded as UNTRUSTED'))
  return { trust: () => list, source: `${trustDir} (sandbox)`, ready: ready.catch(() => undefined) }
}

/** Generates the sandbox hierarchy and writes it (trust list, and each sample signer's certificate chain and key). */
async function writeSandboxPki(dir: string): Promise<TrustList> {
  // Loaded only to generate: the certificate generator is not needed on any later start.
  const { createSandboxPki } = await import('../documents/sandbox-pki.js')
  const pki = await createSandboxPki(new Date())
  // Written beside, then renamed: a start interrupted half-way leaves no half trust list behind.
  const staging = `${dir}.${process.pid}.tmp`
  mkdirSync(join(staging, 'trust'), { recursive: true })
  mkdirSync(join(staging, 'signers'), { recursive: true, mode: 0o700 })
  pki.trustPems.forEach((pem, i) => writeFileSync(join(staging, 'trust', `${String(i + 1).padStart(2, '0')}.pem`), pem))
  for (const [name, signer] of Object.entries(pki.signers)) {
    const chain = [signer.certificate, ...signer.chain].map((certificate) => certificate.toString('pem')).join('\n')
    writeFileSync(join(staging, 'signers', `${name}.crt`), `${chain}\n`)
    const key = new Uint8Array(await crypto.subtle.exportKey('pkcs8', signer.privateKey))
    writeFileSync(join(staging, 'signers', `${name}.key`), toPem('PRIVATE KEY', key), { mode: 0o600 })
  }
  mkdirSync(dir, { recursive: true })
  renameSync(join(staging, 'trust'), join(dir, 'trust'))
  renameSync(join(staging, 'signers'), join(dir, 'signers'))
  rmSync(staging, { recursive: true, force: true })
  return pki.trust
}
