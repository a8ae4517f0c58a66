import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: the full reliability proof (issue 6): medium seed, at least 20
 * kill -9s, a 10-minute soak. One file at a time, so the soak's memory figures and the kill
 * points are not disturbed by a neighbour. `npm test` runs the same files in their quick version.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    env: { RELIABILITY_MODE: 'full' },
    testTimeout: 3_600_000,
    hookTimeout: 600_000,
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ['default'],
  },
});
