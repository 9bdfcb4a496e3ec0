import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findTestCodeInShippedSource } from '../src/test-placement.ts';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

let temporary: string | undefined;
afterEach(() => {
  if (temporary) rmSync(temporary, { recursive: true, force: true });
  temporary = undefined;
});

function repository(files: Record<string, string>): string {
  temporary = mkdtempSync(join(tmpdir(), 'test-placement-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(temporary, path)), { recursive: true });
    writeFileSync(join(temporary, path), text);
  }
  return temporary;
}

const goodBuild = JSON.stringify({
  include: ['src'],
  exclude: ['src/**/*.test.ts', 'src/**/test-support/**'],
});

describe('test placement', () => {
  it('issue 16: no test code is shipped (build excludes, vitest only behind ./testing, no test helpers imported)', () => {
    expect(findTestCodeInShippedSource(repositoryRoot)).toEqual([]);
  });

  it('reports a build that ships test helpers, a vitest import and a shipped import of a test helper', () => {
    const root = repository({
      'packages/lib/package.json': JSON.stringify({ name: '@x/lib', exports: { '.': './src/index.ts' } }),
      'packages/lib/tsconfig.build.json': JSON.stringify({ include: ['src'], exclude: ['src/**/*.test.ts'] }),
      'packages/lib/src/index.ts': "import { fake } from './test-support/fake.ts';\nexport { fake };\n",
      'packages/lib/src/assert.ts': "import { expect } from 'vitest';\nexport const check = expect;\n",
      'packages/lib/src/uses-test.ts': "export { server } from '../test/server.ts';\n",
      'packages/lib/src/index.test.ts': "import { it } from 'vitest';\nimport '../test/server.ts';\n",
      'packages/lib/src/test-support/fake.ts': "import { vi } from 'vitest';\nexport const fake = vi.fn();\n",
    });
    expect(findTestCodeInShippedSource(root).sort()).toEqual([
      "packages/lib/src/assert.ts imports vitest but is shipped: move it beside its test, into a test-support/ folder, or behind the package's ./testing entry point (src/testing/).",
      'packages/lib/src/index.ts imports the test helper ./test-support/fake.ts: shipped modules may not depend on test code.',
      'packages/lib/src/uses-test.ts imports the test helper ../test/server.ts: shipped modules may not depend on test code.',
      'packages/lib/tsconfig.build.json does not exclude "src/**/test-support/**": add it to "exclude".',
    ]);
  });

  it('allows vitest behind a ./testing entry point and in private (test-only) packages', () => {
    const root = repository({
      'packages/core/package.json': JSON.stringify({
        name: '@x/core',
        exports: { '.': './src/index.ts', './testing': './src/testing/index.ts' },
      }),
      'packages/core/tsconfig.build.json': goodBuild,
      'packages/core/src/testing/index.ts': "import { describe } from 'vitest';\nexport { describe };\n",
      'packages/suite/package.json': JSON.stringify({ name: '@x/suite', private: true }),
      'packages/suite/src/harness.ts': "import { expect } from 'vitest';\nexport { expect };\n",
      'packages/other/package.json': JSON.stringify({ name: '@x/other', exports: { '.': './src/index.ts' } }),
      'packages/other/tsconfig.build.json': goodBuild,
      'packages/other/src/testing/index.ts': "import { describe } from 'vitest';\nexport { describe };\n",
    });
    expect(findTestCodeInShippedSource(root)).toEqual([
      "packages/other/src/testing/index.ts imports vitest but is shipped: move it beside its test, into a test-support/ folder, or behind the package's ./testing entry point (src/testing/).",
    ]);
  });
});
