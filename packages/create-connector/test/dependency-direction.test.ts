import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findUpwardImports, findVendorMentions, importedModules } from '../src/dependency-direction.ts';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

let temporary: string | undefined;
afterEach(() => {
  if (temporary) rmSync(temporary, { recursive: true, force: true });
  temporary = undefined;
});

/** A throwaway repository with the given files (paths relative to its root). */
function repository(files: Record<string, string>): string {
  temporary = mkdtempSync(join(tmpdir(), 'dependency-direction-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(temporary, path)), { recursive: true });
    writeFileSync(join(temporary, path), text);
  }
  return temporary;
}

const manifest = (name: string) => JSON.stringify({ name });

describe('dependency direction', () => {
  it('no package of this repository imports one above it', () => {
    expect(findUpwardImports(repositoryRoot).map((problem) => problem.message)).toEqual([]);
  });

  it('core, engine and store source never name Qualys outside comments', () => {
    expect(findVendorMentions(repositoryRoot)).toEqual([]);
  });

  it('reports core importing a connector, a connector importing the CLI, and an unplaced package', () => {
    const root = repository({
      'packages/core/package.json': manifest('@posturesync/core'),
      'packages/core/src/index.ts': "export { x } from '@posturesync/qualys-pcrs';\n",
      'packages/qualys-pcrs/package.json': manifest('@posturesync/qualys-pcrs'),
      'packages/qualys-pcrs/src/index.ts':
        "import '@posturesync/core';\nimport { y } from '@posturesync/qualys-common';\nexport const x = await import('@posturesync/cli/config');\n",
      'packages/qualys-pcrs/src/read.test.ts': "import '@posturesync/qualys-simulator';\n",
      'packages/qualys-common/package.json': manifest('@posturesync/qualys-common'),
      'packages/qualys-simulator/package.json': manifest('@posturesync/qualys-simulator'),
      'packages/cli/package.json': manifest('@posturesync/cli'),
      'packages/cli/src/index.ts': "import '@posturesync/qualys-pcrs';\n",
      'packages/mystery/package.json': manifest('@posturesync/mystery'),
    });
    const messages = findUpwardImports(root).map((problem) => problem.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'packages/core/src/index.ts imports @posturesync/qualys-pcrs, which packages/core may not use',
        ),
        expect.stringContaining(
          'packages/qualys-pcrs/src/index.ts imports @posturesync/cli/config, which packages/qualys-pcrs may not use (allowed: core, qualys-common)',
        ),
        expect.stringContaining('packages/mystery has no place in dependencyRules'),
      ]),
    );
    expect(messages).toHaveLength(3);
  });

  it('finds Qualys in code and strings but not in comments', () => {
    const root = repository({
      'packages/core/src/a.ts': [
        '/** Qualys sends title case (an example in a comment). */',
        '// qualys again',
        "const host = { sourceHostId: 'kept: the model field' };",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture is a template literal in source text
        'const url = `https://${host}/qualys/api`;',
        'function qualysCode() {}',
      ].join('\n'),
    });
    const mentions = findVendorMentions(root).sort((left, right) => left.line - right.line);
    expect(mentions).toEqual([
      { file: 'packages/core/src/a.ts', line: 4, text: '}/qualys/api`' },
      { file: 'packages/core/src/a.ts', line: 5, text: 'qualysCode' },
    ]);
  });

  it('reads static, type-only, re-exported and dynamic imports', () => {
    expect(
      importedModules(
        "import a from 'a';\nimport type { B } from 'b';\nexport * from 'c';\nconst d = await import('d');\n// import 'e';\n",
      ),
    ).toEqual(['a', 'b', 'c', 'd']);
  });
});
