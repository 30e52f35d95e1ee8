// Mutation testing of the security core (`npm run test:mutation`): policy evaluation and
// enforcement, masks, cursors, the audit chain and its verification, token and request-context
// verification, and the GCRA. One folder at a time: `npx stryker run --mutate 'policies/evaluate/*.ts'`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // related: vitest's import graph does not see the in-process tests reach the core (the harness
  // builds the gateway through its entry), so every listed test runs in the dry run, and each
  // mutant then runs only the tests that covered it.
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: [
    'policies/evaluate/*.ts',
    'gateway/graphql/enforce/mask-result.ts',
    'gateway/graphql/enforce/decide-request.ts',
    'gateway/graphql/paging/*.ts',
    'gateway/audit/chain.ts',
    'gateway/audit/verify.ts',
    'gateway/identity/access-token.ts',
    'gateway/identity/client-assertion.ts',
    'gateway/identity/request-context.ts',
    'gateway/identity/lifetime.ts',
    'gateway/ratelimit/rate-limiter.ts',
    '!**/*.test.ts',
    '!**/index.ts',
  ],
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: 90 },
  concurrency: 2,
  timeoutMS: 20_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
}
