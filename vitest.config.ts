import { defineConfig } from 'vitest/config';

// Unit, integration and HTTP tests. Browser tests live in e2e/ and run through scripts/e2e.mjs.
export default defineConfig({
  test: {
    include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
