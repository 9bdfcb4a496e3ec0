import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

/**
 * A throwaway repository root under packages/create-connector/tmp/ (git-ignored), where a
 * generated package can resolve `@posturesync/core` (through this package's node_modules)
 * and `zod` (linked here to core's copy, as `pnpm install` would link it). Never installs.
 */
export function createTemporaryRepository(): { root: string; remove: () => void } {
  const base = join(packageDirectory, 'tmp');
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(join(base, 'repo-'));
  mkdirSync(join(root, 'packages'));
  mkdirSync(join(root, '.changeset'));
  mkdirSync(join(root, 'node_modules'));
  // Generated tsconfig.json files extend the repository's base config.
  copyFileSync(join(packageDirectory, '..', '..', 'tsconfig.base.json'), join(root, 'tsconfig.base.json'));
  const zod = realpathSync(join(packageDirectory, '..', 'core', 'node_modules', 'zod'));
  symlinkSync(zod, join(root, 'node_modules', 'zod'), 'dir');
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
