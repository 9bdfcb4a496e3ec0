/**
 * `node packages/create-connector/src/options-table.ts [--check] [--root <dir>]`
 *
 * Renders every connector's options table from its config schema into the README between
 * `<!-- options:start -->` and `<!-- options:end -->`. With `--check` it writes nothing and
 * exits 1 naming each package whose README is out of date (CI runs this).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ConnectorPackage,
  defaultRepositoryRoot,
  findConnectorPackages,
  loadConnectorDefinition,
} from './connector-packages.ts';
import { lineDiff, optionsSection, replaceOptionsSection, updateReadmeOptions } from './readme-options.ts';
import { renderOptionsTable } from './render-options-table.ts';

export type OptionsTableStatus = 'updated' | 'unchanged' | 'outdated' | 'failed';

export interface OptionsTableResult {
  packageName: string;
  readmePath: string;
  status: OptionsTableStatus;
  /** What to do, or the diff when outdated. */
  message: string;
}

/** Renders the table of one connector package; compares (check) or writes it. */
export async function processConnectorReadme(
  connector: ConnectorPackage,
  options: { check: boolean },
): Promise<OptionsTableResult> {
  const packageName = connector.packageJson.name ?? connector.folder;
  const readmePath = join(connector.directory, 'README.md');
  const result = (status: OptionsTableStatus, message: string) => ({
    packageName,
    readmePath,
    status,
    message,
  });
  let table: string;
  try {
    const definition = await loadConnectorDefinition(connector);
    table = renderOptionsTable(definition.configSchema, definition.secrets);
  } catch (error) {
    return result(
      'failed',
      `cannot render the options table: ${error instanceof Error ? error.message : error}`,
    );
  }
  if (!existsSync(readmePath)) return result('failed', 'README.md is missing');
  const current = readFileSync(readmePath, 'utf8');
  let expected: string;
  try {
    expected = replaceOptionsSection(current, table, `${connector.folder}/README.md`);
  } catch (error) {
    return result('failed', error instanceof Error ? error.message : String(error));
  }
  if (expected === current) return result('unchanged', 'options table is up to date');
  if (options.check) {
    const diff = lineDiff(optionsSection(current) ?? '', optionsSection(expected) ?? '');
    return result('outdated', `README options table is out of date; run \`pnpm options-table\`:\n${diff}`);
  }
  updateReadmeOptions(readmePath, table);
  return result('updated', 'options table rewritten');
}

export async function runOptionsTables(options: {
  root: string;
  check: boolean;
}): Promise<OptionsTableResult[]> {
  const results: OptionsTableResult[] = [];
  for (const connector of findConnectorPackages(options.root)) {
    results.push(await processConnectorReadme(connector, options));
  }
  return results;
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const rootIndex = argv.indexOf('--root');
  const root =
    rootIndex >= 0 && argv[rootIndex + 1] ? resolve(argv[rootIndex + 1] ?? '') : defaultRepositoryRoot;
  const results = await runOptionsTables({ root, check });
  if (results.length === 0) {
    console.log('No connector packages found (package.json with "posturesync": { "connector": true }).');
    return 0;
  }
  for (const result of results) {
    const line = `${result.status.padEnd(9)} ${result.packageName}: ${result.message}`;
    if (result.status === 'outdated' || result.status === 'failed') console.error(line);
    else console.log(line);
  }
  return results.some((result) => result.status === 'outdated' || result.status === 'failed') ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
