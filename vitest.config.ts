import {defineConfig} from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // DuckDB files and child processes are real: keep parallelism within the 2-core budget.
    maxWorkers: 2,
  },
});
