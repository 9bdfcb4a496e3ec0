import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cliPackageDirectory } from './connector-discovery.ts';

/**
 * How the user runs this CLI, for the commands we suggest: inside a checkout of the posturesync
 * repository it is the workspace's `npx pnpm posturesync`; installed from npm it is
 * `npx posturesync` (a suggestion with pnpm fails there: there is no workspace).
 */
export function suggestedCommand(from = cliPackageDirectory): string {
  for (let directory = from; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'pnpm-workspace.yaml'))) return 'npx pnpm posturesync';
    if (dirname(directory) === directory) return 'npx posturesync';
  }
}
