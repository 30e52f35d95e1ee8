import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

const require = createRequire(import.meta.url)

export default defineConfig({
  resolve: {
    // Node resolves `graphql` to its CommonJS build (graphql 16 has no "exports"), and so do the
    // libraries vitest leaves to Node (graphql-yoga, @graphql-tools). Vite would pick the ESM
    // build for our own files: two copies of graphql, and `instanceof GraphQLError` fails across
    // them. Point every import at the one Node uses, as in production.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['**/*.test.ts'],
    // .stryker-tmp: mutation testing's copy of the repository, while it runs. load-tests/peer: the
    // benchmark's peer, whose own node_modules (installed by the bench) ship their packages' tests.
    exclude: ['node_modules/**', 'data/**', '.stryker-tmp/**', 'load-tests/peer/**'],
    // Finds (or, as root on Debian, installs) Redis, PostgreSQL, Chromium and openssl first.
    globalSetup: ['test/services/provision.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Files run in parallel forks; each starts its own sandboxes, services and gateways on
    // ephemeral loopback ports, so any two can run side by side. At least two at once even on a
    // two-core machine (vitest's default there is one): the process tests spend most of their
    // time waiting on the clock (rate-limit windows, outages, restarts), not on the CPU.
    pool: 'forks',
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
})
