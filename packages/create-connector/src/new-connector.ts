/**
 * `pnpm new-connector <name> [--display-name "Acme Scanner"]`
 *
 * Scaffolds packages/<name>: a connector that already passes its tests, lint, type check
 * and the conformance suite against its own fake source. Then replace the example API.
 */
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPostureSyncError } from '@posturesync/core';
import { defaultRepositoryRoot } from './connector-packages.ts';
import { generateConnector } from './generate-connector.ts';

const usage = 'usage: pnpm new-connector <kebab-case-name> [--display-name "Display Name"] [--no-install]';

export interface NewConnectorArguments {
  name: string;
  displayName?: string;
  install: boolean;
  root: string;
}

export function parseArguments(argv: readonly string[]): NewConnectorArguments | string {
  const positional: string[] = [];
  let displayName: string | undefined;
  let install = true;
  let root = defaultRepositoryRoot;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (argument === '--display-name') displayName = argv[++index];
    else if (argument.startsWith('--display-name=')) displayName = argument.slice('--display-name='.length);
    else if (argument === '--no-install') install = false;
    else if (argument === '--root') root = resolve(argv[++index] ?? '.');
    else if (argument === '--help' || argument === '-h') return usage;
    else if (argument.startsWith('-')) return `unknown option ${argument}\n${usage}`;
    else positional.push(argument);
  }
  if (positional.length !== 1 || !positional[0]) return usage;
  return { name: positional[0], install, root, ...(displayName ? { displayName } : {}) };
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseArguments(argv);
  if (typeof parsed === 'string') {
    console.error(parsed);
    return parsed.startsWith('usage') && (argv.includes('--help') || argv.includes('-h')) ? 0 : 2;
  }
  try {
    const generated = await generateConnector({ ...parsed, log: (line) => console.log(line) });
    const folder = relative(process.cwd(), generated.directory) || '.';
    console.log(`\nCreated ${generated.names.packageName} in ${folder}:`);
    for (const file of generated.files) console.log(`  ${file}`);
    console.log(`
Next steps:
  npx pnpm vitest run --project ${generated.names.id}   # tests + conformance suite (green already)
  then replace the example API in src/ and src/handlers.ts with the real one (CONTRIBUTING.md)
  npx pnpm options-table                                 # after changing the config schema
  no registration needed: the posturesync CLI finds the package by its manifest, so
  "type: ${generated.names.id}" works in config files as soon as the package is in packages/`);
    return 0;
  } catch (error) {
    console.error(isPostureSyncError(error) ? error.message : error);
    return isPostureSyncError(error) ? 2 : 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
