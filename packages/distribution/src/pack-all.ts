import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { distributionFolder, publicPackages, repositoryRoot, tarballName } from './public-packages.ts';

/** pnpm itself, as the workspace pins it (node_modules/.bin/pnpm, installed with the workspace). */
function pnpm(args: readonly string[], cwd: string): void {
  // Output only on failure (execFileSync puts it in the error): a pack lists every file it ships.
  execFileSync(join(repositoryRoot, 'node_modules', '.bin', 'pnpm'), args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
}

/**
 * Builds every publishable package to JavaScript with type declarations (fresh `dist/`, so no
 * stale file ships) and writes its tarball into ./packages-dist/. `pnpm pack` applies each
 * package's `publishConfig` (exports and bins point at `dist/`) and turns `workspace:` ranges
 * into the real versions, so the tarballs install anywhere with npm.
 */
export function packAll(): string[] {
  const packages = publicPackages();
  for (const pkg of packages) rmSync(join(pkg.directory, 'dist'), { recursive: true, force: true });
  // pnpm -r runs the builds in dependency order.
  pnpm(['-r', ...packages.flatMap((pkg) => ['--filter', pkg.name]), 'run', 'build'], repositoryRoot);
  rmSync(distributionFolder, { recursive: true, force: true });
  mkdirSync(distributionFolder, { recursive: true });
  const tarballs: string[] = [];
  for (const pkg of packages) {
    pnpm(['pack', '--pack-destination', distributionFolder], pkg.directory);
    const tarball = join(distributionFolder, tarballName(pkg));
    if (!existsSync(tarball)) throw new Error(`pnpm pack wrote no ${tarball} for ${pkg.name}`);
    tarballs.push(tarball);
  }
  return tarballs;
}

if (import.meta.main) {
  const tarballs = packAll();
  process.stdout.write(`${tarballs.length} packages packed into ${distributionFolder}:\n`);
  for (const tarball of tarballs) process.stdout.write(`  ${tarball}\n`);
}
