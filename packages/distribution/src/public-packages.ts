import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (packages/distribution/src -> ../../..). */
export const repositoryRoot = resolve(import.meta.dirname, '..', '..', '..');

/** Where `pnpm pack:all` writes the tarballs (git-ignored). */
export const distributionFolder = join(repositoryRoot, 'packages-dist');

export interface PublicPackage {
  name: string;
  version: string;
  directory: string;
}

/**
 * Every workspace package that is published: not `private`, with a `publishConfig` that points
 * `exports` at built files. Read from the package.json files, so a new package needs no list.
 */
export function publicPackages(root = repositoryRoot): PublicPackage[] {
  const packagesFolder = join(root, 'packages');
  const found: PublicPackage[] = [];
  for (const entry of readdirSync(packagesFolder, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const directory = join(packagesFolder, entry.name);
    let manifest: { name?: unknown; version?: unknown; private?: unknown; publishConfig?: unknown };
    try {
      manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (manifest.private === true || typeof manifest.name !== 'string' || !manifest.publishConfig) continue;
    found.push({ name: manifest.name, version: String(manifest.version), directory });
  }
  return found.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
}

/** The file name `pnpm pack` gives a package's tarball: `@scope/name` -> `scope-name-<version>.tgz`. */
export function tarballName(pkg: Pick<PublicPackage, 'name' | 'version'>): string {
  return `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`;
}
