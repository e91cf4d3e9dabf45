import { defineConfig } from 'vitest/config';

/**
 * The Workers suite: the bundled app inside workerd (Miniflare) on D1. Runs after the Node suite
 * (`npm test`); `vitest.config.ts` excludes test/workers/**.
 */
export default defineConfig({
  test: {
    include: ['test/workers/**/*.test.ts'],
    globalSetup: ['test/workers/global-setup.ts'],
    // Closes what test/support opened and fails a file that leaves a database open.
    setupFiles: ['test/setup/databases-closed.ts'],
    // ...which collects garbage before it looks.
    execArgv: ['--expose-gc'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One workerd at a time is plenty on a 2-core machine.
    fileParallelism: false,
  },
});
