// Unit tests run on Node next to the code they test (src/**/*.test.ts); e2e lives in e2e/.
// The global setup gives the run a throwaway PostgreSQL server when one is installed (see
// src/core/testing/pgGlobalSetup.ts), so the store tests run against both back ends.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
    globalSetup: ['src/core/testing/pgGlobalSetup.ts'],
  },
});
