import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'mocks/**/*.test.ts'],
    // The virtual clock must exist before any test file imports ccxt (DESIGN fact 2).
    setupFiles: ['./src/sim/install-clock.ts', './test/setup/network-guard.ts', './src/testing/setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
