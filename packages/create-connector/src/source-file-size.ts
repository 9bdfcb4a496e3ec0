import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Issue 16: no source file over about 400 lines; a longer one is split into focused modules. */
export const sourceLineLimit = 400;

export interface OversizedFile {
  /** Relative to the repository root, with forward slashes. */
  file: string;
  lines: number;
}

/** Folders whose files are not shipped source: test helpers, fixtures, build output, dependencies. */
const skippedFolders = new Set(['test-support', '__fixtures__', 'dist', 'node_modules']);

function isCheckedFile(name: string): boolean {
  return (
    /\.(?:ts|tsx|mts|cts)$/.test(name) && !/\.test\.(?:ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')
  );
}

function* checkedFiles(directory: string): Generator<string> {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!skippedFolders.has(entry.name)) yield* checkedFiles(path);
    } else if (entry.isFile() && isCheckedFile(entry.name)) {
      yield path;
    }
  }
}

/** Lines as an editor counts them: a final newline does not start another line. */
export function lineCount(text: string): number {
  if (text === '') return 0;
  const lines = text.split('\n').length;
  return text.endsWith('\n') ? lines - 1 : lines;
}

/**
 * Every non-test TypeScript file under `packages/<name>/src` longer than `limit` lines, longest first.
 * `excluded` lists repository-relative paths that may still be longer (files being split elsewhere).
 */
export function findOversizedSourceFiles(
  root: string,
  { limit = sourceLineLimit, excluded = [] }: { limit?: number; excluded?: readonly string[] } = {},
): OversizedFile[] {
  const skip = new Set(excluded);
  const found: OversizedFile[] = [];
  const packages = join(root, 'packages');
  for (const entry of readdirSync(packages, { withFileTypes: true })) {
    const source = join(packages, entry.name, 'src');
    if (!entry.isDirectory() || !existsSync(source)) continue;
    for (const path of checkedFiles(source)) {
      const file = relative(root, path).split(sep).join('/');
      if (skip.has(file)) continue;
      const lines = lineCount(readFileSync(path, 'utf8'));
      if (lines > limit) found.push({ file, lines });
    }
  }
  return found.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
}
