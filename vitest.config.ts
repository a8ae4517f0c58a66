import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // PGlite instances take ~700 MB while running initdb; two workers keep the 2-core machine responsive.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
