import { defineConfig } from 'vitest/config';

// Unit and behaviour tests sit next to the code as *.test.ts(x). Playwright specs (e2e/) are
// run by Playwright itself, not here.
export default defineConfig({
  test: {
    include: ['main/**/*.test.ts', 'shared/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['renderer/src/testing/setup.ts'],
  },
});
