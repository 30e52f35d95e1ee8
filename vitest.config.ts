import { createRequire } from 'node:module'
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
    // .stryker-tmp: mutation testing's copy of the repository, while it runs.
    exclude: ['node_modules/**', 'data/**', '.stryker-tmp/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: files run in parallel forks; each file starts its own sandboxes on ephemeral ports.
    pool: 'forks',
  },
})
