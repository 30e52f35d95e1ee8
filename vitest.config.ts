import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: files run in parallel forks; each file starts its own sandboxes on ephemeral ports.
    pool: 'forks',
  },
})
