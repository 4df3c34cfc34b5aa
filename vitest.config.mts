import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/world-setup.ts'],
    // Integration tests start real servers; give them room on a busy
    // two-core machine. Speed targets live in `npm run bench`, not here.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: [
      'default',
      ['json', { outputFile: 'test-results/vitest.json' }],
    ],
  },
})
