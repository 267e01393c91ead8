import { defineConfig } from 'vitest/config';

// End-to-end tests: the bot and the Microsoft 365 Agents Playground as child processes, driven through
// the playground's web UI in headless Chromium (/usr/bin/chromium). `npm run test:e2e`; CI runs them.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    // one browser, bot and playground at a time: the machines have two cores
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
