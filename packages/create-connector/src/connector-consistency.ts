import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { configConventionProblems } from '@posturesync/core/testing';
import {
  type ConnectorPackage,
  connectorApiVersion,
  loadConnectorDefinition,
  mainEntry,
} from './connector-packages.ts';
import { processConnectorReadme } from './options-table.ts';
import { optionsEndMarker, optionsStartMarker } from './readme-options.ts';

/** Test files of a package (`src/**` and `test/**`, `*.test.ts`), relative to the package. */
export function testFiles(directory: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    if (!existsSync(folder)) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(relative(directory, path));
    }
  };
  walk(join(directory, 'src'));
  walk(join(directory, 'test'));
  return found.sort();
}

function changesetMentions(root: string, packageName: string): boolean {
  const folder = join(root, '.changeset');
  if (!existsSync(folder)) return false;
  return readdirSync(folder)
    .filter((name) => name.endsWith('.md') && name !== 'README.md')
    .some((name) => readFileSync(join(folder, name), 'utf8').includes(`"${packageName}"`));
}

/**
 * Everything a connector package must have so that contributors find the same parts in
 * each one. Returns one line per missing or wrong part (empty when complete).
 */
export async function connectorPackageProblems(root: string, connector: ConnectorPackage): Promise<string[]> {
  const problems: string[] = [];
  const { packageJson, folder, directory } = connector;
  const expectedName = `@posturesync/${folder}`;
  // package.json manifest
  if (packageJson.name !== expectedName) {
    problems.push(`package.json: "name" is ${JSON.stringify(packageJson.name)}, expected "${expectedName}"`);
  }
  if (
    typeof packageJson.posturesync?.export !== 'string' ||
    !/^[A-Za-z_$][\w$]*$/.test(packageJson.posturesync.export)
  ) {
    problems.push('package.json: "posturesync.export" must name the exported ConnectorDefinition');
  }
  if (!packageJson.engines?.node) problems.push('package.json: "engines.node" is missing (use ">=22.19")');
  const entry = mainEntry(packageJson);
  if (entry !== './src/index.ts') {
    problems.push(`package.json: exports["."] is ${JSON.stringify(entry)}, expected "./src/index.ts"`);
  }
  for (const script of ['typecheck', 'lint', 'test']) {
    if (!packageJson.scripts?.[script]) problems.push(`package.json: script "${script}" is missing`);
  }
  if (packageJson.posturesync?.apiVersion !== connectorApiVersion) {
    problems.push(
      `package.json: "posturesync.apiVersion" must be ${connectorApiVersion}, the connector API this posturesync loads`,
    );
  }
  if (packageJson.posturesync?.id !== folder) {
    problems.push(
      `package.json: "posturesync.id" must be "${folder}", the connector type it defines (so the CLI imports it only when a config uses it)`,
    );
  }
  // A peer dependency: the CLI's copy of core is the one a connector runs with, so errors,
  // the model and the store are shared instead of a second copy (and its native SQLite module)
  // being installed with every connector.
  if (!packageJson.peerDependencies?.['@posturesync/core']) {
    problems.push('package.json: peer dependency "@posturesync/core" is missing');
  }
  if (packageJson.dependencies?.['@posturesync/core']) {
    problems.push(
      'package.json: "@posturesync/core" belongs in peerDependencies (and devDependencies for tests), not dependencies',
    );
  }
  // src/index.ts exporting the named definition, with a conforming config schema
  if (!existsSync(join(directory, 'src', 'index.ts'))) {
    problems.push('src/index.ts is missing');
  } else {
    try {
      const definition = await loadConnectorDefinition(connector);
      if (definition.id !== folder) {
        problems.push(
          `src/index.ts: definition id is "${definition.id}", expected the folder name "${folder}"`,
        );
      }
      for (const problem of configConventionProblems(definition)) problems.push(`config schema: ${problem}`);
    } catch (error) {
      problems.push(`src/index.ts: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // README with an up-to-date options table
  const readmePath = join(directory, 'README.md');
  if (!existsSync(readmePath)) {
    problems.push('README.md is missing');
  } else {
    const readme = readFileSync(readmePath, 'utf8');
    if (!readme.includes(optionsStartMarker) || !readme.includes(optionsEndMarker)) {
      problems.push(`README.md: the "${optionsStartMarker}" / "${optionsEndMarker}" markers are missing`);
    } else {
      const table = await processConnectorReadme(connector, { check: true });
      if (table.status === 'outdated')
        problems.push('README.md: options table is out of date; run `pnpm options-table`');
    }
  }
  // tests and the conformance suite
  const tests = testFiles(directory);
  const conformancePath = join(directory, 'test', 'conformance.test.ts');
  if (!existsSync(conformancePath)) {
    problems.push('test/conformance.test.ts is missing (it calls describeConnectorConformance)');
  } else {
    const text = readFileSync(conformancePath, 'utf8');
    if (
      !/describeConnectorConformance\s*(<[^(]*>)?\s*\(/.test(text) ||
      !text.includes('@posturesync/engine/testing')
    ) {
      problems.push(
        'test/conformance.test.ts must call describeConnectorConformance from @posturesync/engine/testing',
      );
    }
  }
  if (tests.filter((file) => file !== join('test', 'conformance.test.ts')).length === 0) {
    problems.push('no tests besides the conformance suite (add src/**/*.test.ts or test/**/*.test.ts)');
  }
  // release notes
  const name = packageJson.name ?? expectedName;
  if (!existsSync(join(directory, 'CHANGELOG.md')) && !changesetMentions(root, name)) {
    problems.push(`neither CHANGELOG.md nor a .changeset/*.md mentioning "${name}" (run \`pnpm changeset\`)`);
  }
  return problems;
}
