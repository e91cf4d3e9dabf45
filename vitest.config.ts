import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'scoring/**/*.test.ts'],
    exclude: ['test/workers/**', 'node_modules/**'],
    // Closes what test/support opened and fails a file that leaves a database open.
    setupFiles: ['test/setup/databases-closed.ts'],
    // ...which collects garbage before it looks.
    execArgv: ['--expose-gc'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
