import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConnectorDefinition } from '@posturesync/core';
import { configConventionProblems } from '@posturesync/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConnectors } from '../src/check-connectors.ts';
import { connectorNames, validateConnectorName } from '../src/connector-names.ts';
import { findConnectorPackages } from '../src/connector-packages.ts';
import { generateConnector, nestedPnpmEnvironment } from '../src/generate-connector.ts';
import { parseArguments } from '../src/new-connector.ts';
import { processConnectorReadme, runOptionsTables } from '../src/options-table.ts';
import { optionsSection } from '../src/readme-options.ts';
import { renderOptionsTable } from '../src/render-options-table.ts';
import { createTemporaryRepository } from './temporary-repository.ts';

describe('connector names', () => {
  it('derives every spelling from a kebab-case name', () => {
    expect(connectorNames('acme-demo')).toEqual({
      id: 'acme-demo',
      packageName: '@posturesync/acme-demo',
      displayName: 'Acme Demo',
      camel: 'acmeDemo',
      pascal: 'AcmeDemo',
      exportName: 'acmeDemoConnector',
      constant: 'ACME_DEMO',
    });
    expect(connectorNames('x1', 'X One').displayName).toBe('X One');
  });

  it('refuses names that are not kebab-case or already exist, saying what to do', () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    expect(() => validateConnectorName('AcmeDemo', root)).toThrow(/use kebab-case/);
    expect(() => validateConnectorName('acme--demo', root)).toThrow(/use kebab-case/);
    expect(() => validateConnectorName('9lives', root)).toThrow(/use kebab-case/);
    expect(() => validateConnectorName('core', root)).toThrow(/packages\/core already exists/);
  });

  it('issue 15: the nested pnpm install gets no npm_config_* settings (no "Unknown env config" noise)', () => {
    expect(
      nestedPnpmEnvironment({
        PATH: '/bin',
        npm_config_verify_deps_before_run: 'false',
        NPM_CONFIG_X: '1',
        HOME: '/h',
      }),
    ).toEqual({ PATH: '/bin', HOME: '/h' });
  });

  it('parses the command line', () => {
    expect(parseArguments(['acme-demo', '--display-name', 'Acme Demo', '--no-install'])).toMatchObject({
      name: 'acme-demo',
      displayName: 'Acme Demo',
      install: false,
    });
    expect(parseArguments([])).toMatch(/^usage: pnpm new-connector/);
    expect(parseArguments(['a', '--bogus'])).toMatch(/unknown option --bogus/);
  });
});

describe('issue 8: pnpm new-connector scaffolds a complete connector package', () => {
  const repository = createTemporaryRepository();
  let generated: Awaited<ReturnType<typeof generateConnector>>;

  beforeAll(async () => {
    generated = await generateConnector({ root: repository.root, name: 'acme-demo', install: false });
  });
  afterAll(() => repository.remove());

  it('writes the manifest, schema, connector, handlers, tests, README and changeset', () => {
    expect(generated.files).toEqual([
      '.changeset/acme-demo-initial.md',
      'packages/acme-demo/README.md',
      'packages/acme-demo/package.json',
      'packages/acme-demo/src/config-schema.ts',
      'packages/acme-demo/src/connector.ts',
      'packages/acme-demo/src/fake-source.ts',
      'packages/acme-demo/src/handlers.ts',
      'packages/acme-demo/src/index.ts',
      'packages/acme-demo/src/map-host.ts',
      'packages/acme-demo/src/source-schema.ts',
      'packages/acme-demo/test/conformance.test.ts',
      'packages/acme-demo/test/map-host.test.ts',
      'packages/acme-demo/tsconfig.build.json',
      'packages/acme-demo/tsconfig.json',
      'packages/acme-demo/vitest.config.ts',
    ]);
    const manifest = JSON.parse(readFileSync(join(generated.directory, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({
      name: '@posturesync/acme-demo',
      posturesync: { connector: true, apiVersion: 1, id: 'acme-demo', export: 'acmeDemoConnector' },
      exports: { '.': './src/index.ts' },
      peerDependencies: { '@posturesync/core': 'workspace:^' },
      devDependencies: { '@posturesync/core': 'workspace:*' },
      scripts: { test: 'vitest run --project acme-demo' },
    });
    // issue 16: core is a peer, never a regular dependency (one copy of core per installation).
    expect(manifest.dependencies['@posturesync/core']).toBeUndefined();
    expect(manifest.devDependencies.msw).toMatch(/^\^?\d/);
    expect(readFileSync(join(generated.directory, 'vitest.config.ts'), 'utf8')).toContain(
      "name: 'acme-demo'",
    );
    expect(readFileSync(join(repository.root, '.changeset', 'acme-demo-initial.md'), 'utf8')).toContain(
      '"@posturesync/acme-demo": minor',
    );
    for (const file of generated.files) {
      expect(readFileSync(join(repository.root, file), 'utf8'), file).not.toMatch(/__[A-Z]+__/);
    }
  });

  it('exports a definition whose schema follows the conventions and whose README table matches it', async () => {
    const module = (await import(pathToFileURL(join(generated.directory, 'src', 'index.ts')).href)) as Record<
      string,
      ConnectorDefinition<unknown>
    >;
    const definition = module.acmeDemoConnector;
    expect(definition?.id).toBe('acme-demo');
    if (!definition) return;
    expect(configConventionProblems(definition)).toEqual([]);
    expect(generated.optionsTableRendered).toBe(true);
    const readme = readFileSync(join(generated.directory, 'README.md'), 'utf8');
    const table = renderOptionsTable(definition.configSchema, definition.secrets);
    expect(optionsSection(readme)).toContain(table);
    expect(table).toContain('| `password`');
    expect(table).toContain('yes, from env `ACME_DEMO_PASSWORD`');
  });

  it('passes the consistency check', async () => {
    expect(await checkConnectors(repository.root)).toEqual([
      { packageName: '@posturesync/acme-demo', problems: [] },
    ]);
  });

  it('refuses to generate over an existing package', async () => {
    await expect(generateConnector({ root: repository.root, name: 'acme-demo' })).rejects.toThrow(
      /packages\/acme-demo already exists/,
    );
  });

  it('issue 8: the check fails naming the package when its README options table drifts', async () => {
    const readmePath = join(generated.directory, 'README.md');
    const original = readFileSync(readmePath, 'utf8');
    try {
      writeFileSync(
        readmePath,
        original.replace('Hosts requested per page', 'Hosts per page (edited by hand)'),
      );
      const [connector] = findConnectorPackages(repository.root);
      if (!connector) throw new Error('generated connector not found');
      const result = await processConnectorReadme(connector, { check: true });
      expect(result.status).toBe('outdated');
      expect(result.packageName).toBe('@posturesync/acme-demo');
      expect(result.message).toContain('- | `pageSize`');
      expect(result.message).toContain('+ | `pageSize`');
      const [report] = await checkConnectors(repository.root);
      expect(report?.problems).toEqual(['README.md: options table is out of date; run `pnpm options-table`']);
      // Without --check the table is rewritten and the package is consistent again.
      expect((await runOptionsTables({ root: repository.root, check: false }))[0]?.status).toBe('updated');
      expect(readFileSync(readmePath, 'utf8')).toBe(original);
    } finally {
      writeFileSync(readmePath, original);
    }
  });

  it('lists what a connector package lacks', async () => {
    const testPath = join(generated.directory, 'test', 'conformance.test.ts');
    const changeset = join(repository.root, '.changeset', 'acme-demo-initial.md');
    const [savedTest, savedChangeset] = [readFileSync(testPath, 'utf8'), readFileSync(changeset, 'utf8')];
    try {
      writeFileSync(testPath, '// conformance suite removed\n');
      writeFileSync(changeset, '---\n---\n');
      const [report] = await checkConnectors(repository.root);
      expect(report?.problems).toEqual([
        'test/conformance.test.ts must call describeConnectorConformance from @posturesync/engine/testing',
        'neither CHANGELOG.md nor a .changeset/*.md mentioning "@posturesync/acme-demo" (run `pnpm changeset`)',
      ]);
    } finally {
      writeFileSync(testPath, savedTest);
      writeFileSync(changeset, savedChangeset);
    }
    expect(existsSync(testPath)).toBe(true);
  });
});
