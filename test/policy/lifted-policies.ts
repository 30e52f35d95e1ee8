/**
 * A copy of the shipped policy directory with the tax office's rate limit lifted, for process
 * tests that drive `thue-ha-noi` far past its sandbox limit while checking something else.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../gateway-process.js'

/** Copies `policies/` into `dir/policies` and returns that path. */
export function policiesWithLiftedTaxLimit(dir: string): string {
  const policiesDir = join(dir, 'policies')
  cpSync(join(repoRoot, 'policies', 'agencies'), join(policiesDir, 'agencies'), { recursive: true })
  cpSync(join(repoRoot, 'policies', 'purposes.yaml'), join(policiesDir, 'purposes.yaml'))
  const taxOffice = join(policiesDir, 'agencies', 'thue-ha-noi.yaml')
  writeFileSync(taxOffice, readFileSync(taxOffice, 'utf8').replace(/^limits: .*$/m, 'limits: { rate: { perMinute: 1000000, burst: 1000000 } }'))
  return policiesDir
}
