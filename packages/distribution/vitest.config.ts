import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'distribution',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Builds every package, packs it and installs the tarballs with npm: minutes, not seconds.
    testTimeout: 240_000,
    hookTimeout: 600_000,
  },
});
