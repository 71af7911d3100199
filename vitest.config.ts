import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // RSA key generation and loopback servers: two cores, so two forks.
    pool: 'forks',
    maxWorkers: 2,
  },
});
