/**
 * `node packages/create-connector/src/check-connectors.ts [--root <dir>]`
 *
 * CI's consistency check: every connector package (package.json `"posturesync": { "connector": true }`)
 * has the same parts: manifest, src/index.ts exporting the named definition, a described config
 * schema with marked secrets, a README with an up-to-date options table, tests, the conformance
 * suite and release notes. Exits 1 listing what is missing per package.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectorPackageProblems } from './connector-consistency.ts';
import { defaultRepositoryRoot, findConnectorPackages } from './connector-packages.ts';

export interface ConnectorCheckReport {
  packageName: string;
  problems: string[];
}

export async function checkConnectors(root: string): Promise<ConnectorCheckReport[]> {
  const reports: ConnectorCheckReport[] = [];
  for (const connector of findConnectorPackages(root)) {
    reports.push({
      packageName: connector.packageJson.name ?? connector.folder,
      problems: await connectorPackageProblems(root, connector),
    });
  }
  return reports;
}

async function main(argv: string[]): Promise<number> {
  const rootIndex = argv.indexOf('--root');
  const root =
    rootIndex >= 0 && argv[rootIndex + 1] ? resolve(argv[rootIndex + 1] ?? '') : defaultRepositoryRoot;
  const reports = await checkConnectors(root);
  if (reports.length === 0) {
    console.error(
      'No connector packages found: a connector\'s package.json declares "posturesync": { "connector": true }.',
    );
    return 1;
  }
  let failed = false;
  for (const report of reports) {
    if (report.problems.length === 0) {
      console.log(`ok      ${report.packageName}`);
      continue;
    }
    failed = true;
    console.error(`missing ${report.packageName}:`);
    for (const problem of report.problems) console.error(`  - ${problem}`);
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
