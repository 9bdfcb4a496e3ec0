import { defineConfig } from 'vitest/config';

// Tests run on TypeScript sources: every package's `exports` points at `src/`, so no
// build is needed before `vitest run`.
export default defineConfig({
  test: {
    projects: ['packages/*'],
  },
});
