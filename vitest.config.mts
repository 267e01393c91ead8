import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // bot tests start real servers and SQLite files; two workers fit the 2-core machines
    maxWorkers: 2,
  },
});
