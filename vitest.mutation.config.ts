import { defineConfig, mergeConfig } from 'vitest/config'
import base from './vitest.config.js'

/**
 * The tests Stryker runs against each mutant of the security core: the unit tests beside the
 * code, and the in-process tests that drive the gateway through the same paths. Process tests
 * (their own Redis, PostgreSQL or browser) are left out: a mutant is judged in seconds, not
 * minutes, and the in-process tests exercise the same code.
 */
// mergeConfig concatenates arrays: with base's own `include` kept, every test of the project would run.
export default mergeConfig(
  { ...base, test: { ...base.test, include: [] } },
  defineConfig({
    test: {
      // MUTATION_TESTS narrows a run to the tests that should kill one file's mutants
      // (comma-separated globs), for the inner loop of killing survivors.
      include: process.env.MUTATION_TESTS?.split(',') ?? [
        'policies/**/*.test.ts',
        'gateway/**/*.test.ts',
        'test/policy/enforcement.test.ts',
        'test/policy/data-classes.test.ts',
        'test/policy/cursors.test.ts',
        'test/policy/paging-and-caps.test.ts',
        'test/security/identity.test.ts',
        'test/security/identity-bounds.test.ts',
        'test/audit/events.test.ts',
      ],
      exclude: ['node_modules/**', 'data/**', '**/*-process.test.ts', '**/*.e2e.test.ts'],
    },
  }),
)
