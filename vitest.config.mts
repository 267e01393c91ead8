import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the browser tests have their own config (vitest.e2e.config.mts, npm run test:e2e)
    exclude: [...configDefaults.exclude, 'test/e2e/**'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // bot tests start real servers and SQLite files; two workers fit the 2-core machines
    maxWorkers: 2,
    // probes PostgreSQL once: its suites skip with a reason where no server answers (REQUIRE_POSTGRES=1 fails)
    globalSetup: ['test/harness/postgres-probe.ts'],
    // every card rendered in a test is checked against adaptivecards-templating (src/bot/card-template.ts)
    setupFiles: ['test/harness/card-cross-check.ts'],
  },
});
