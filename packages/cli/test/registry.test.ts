import { chmodSync, cpSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as core from '@posturesync/core';
import { ConfigError } from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import {
  cliPackageDirectory,
  defaultConnectorSearch,
  findConnectorPackages,
} from '../src/connector-discovery.ts';
import { builtInConnectors, builtInPackageNames, discoverConnectors } from '../src/registry.ts';
import { invoke, tempDirectory } from './support/run-cli.ts';

const builtInIds = builtInConnectors.map((definition) => definition.id);

/** The module text of a small, real connector package (plain JS, zod for its schema). */
function connectorModule(exportName: string, id: string): string {
  return `import { z } from 'zod';

export const ${exportName} = {
  id: '${id}',
  displayName: 'Discovered ${id}',
  description: 'A connector package found by discovery',
  sourceName: '${id.toUpperCase().replaceAll('-', '_')}',
  configSchema: z.object({ url: z.string(), password: z.string().min(1) }),
  secrets: [{ key: 'password', env: 'ACME_PASSWORD', description: 'Acme password.' }],
  create: (config) => ({
    check: async () => ({ ok: true, details: ['${id} reached ' + config.url] }),
    read: async function* () {},
    close: async () => {},
  }),
};

export const somethingElse = 1;
`;
}

interface FakePackage {
  name: string;
  folder: string;
  exportName: string;
  /** The name the module really exports (defaults to exportName). */
  moduleExport?: string;
  id: string;
  scope?: string;
  /** The manifest's `apiVersion` (default 1; null leaves it out). */
  apiVersion?: unknown;
  /** Whether the manifest declares its `id` (default true). */
  declaresId?: boolean;
  /** The module text instead of a working connector. */
  moduleText?: string;
}

/** Writes one connector package into `directory`. */
function writePackage(directory: string, pkg: FakePackage): void {
  const zod = realpathSync(join(cliPackageDirectory, 'node_modules', 'zod'));
  mkdirSync(join(directory, 'node_modules'), { recursive: true });
  // What `pnpm install` would link for the package.
  symlinkSync(zod, join(directory, 'node_modules', 'zod'), 'dir');
  const apiVersion = pkg.apiVersion === undefined ? 1 : pkg.apiVersion;
  writeFileSync(
    join(directory, 'package.json'),
    JSON.stringify({
      name: pkg.name,
      version: '0.0.1',
      type: 'module',
      exports: { '.': './index.js' },
      posturesync: {
        connector: true,
        ...(apiVersion === null ? {} : { apiVersion }),
        ...(pkg.declaresId === false ? {} : { id: pkg.id }),
        export: pkg.exportName,
      },
    }),
  );
  writeFileSync(
    join(directory, 'index.js'),
    pkg.moduleText ?? connectorModule(pkg.moduleExport ?? pkg.exportName, pkg.id),
  );
}

/** Writes connector packages under `<temp>/packages`, the search root handed to discovery. */
function packagesRoot(packages: readonly FakePackage[]): string {
  const root = join(tempDirectory(), 'packages');
  for (const pkg of packages) {
    writePackage(pkg.scope ? join(root, pkg.scope, pkg.folder) : join(root, pkg.folder), pkg);
  }
  return root;
}

const acme: FakePackage = {
  name: '@acme/posturesync-acme-scanner',
  scope: '@acme',
  folder: 'posturesync-acme-scanner',
  exportName: 'acmeScannerConnector',
  id: 'acme-scanner',
};

/** A config naming the discovered type; its fake check() makes no request. */
function writeConfig(cwd: string, extra = ''): void {
  const file = join(cwd, 'posturesync.config.yaml');
  writeFileSync(
    file,
    `${extra}connectors:\n  - name: acme\n    type: acme-scanner\n    url: https://acme.example.test\n`,
  );
  chmodSync(file, 0o600);
}

function searchIn(root: string) {
  return { search: { searchRoots: [root], dependentsOf: [] } };
}

describe('connector registry discovery', () => {
  it('issue 8: discovers a connector package carrying the manifest, after the built-ins', async () => {
    const other = { name: 'posturesync-zeta', folder: 'zeta', exportName: 'zetaConnector', id: 'a-zeta' };
    const root = packagesRoot([acme, other]);
    // A package without the manifest is never imported.
    mkdirSync(join(root, 'not-a-connector'));
    writeFileSync(join(root, 'not-a-connector', 'package.json'), '{"name":"x","exports":"./missing.js"}');
    const registry = await discoverConnectors(searchIn(root));
    expect([...registry.keys()]).toEqual([...builtInIds, 'a-zeta', 'acme-scanner']);
    const definition = registry.get('acme-scanner');
    expect(definition?.displayName).toBe('Discovered acme-scanner');
    expect(definition?.configSchema.safeParse({ url: 'u', password: 'p' }).success).toBe(true);
  });

  it('issue 8: a discovered connector works from a config file with no registration', async () => {
    const root = packagesRoot([acme]);
    const cwd = tempDirectory();
    writeConfig(cwd);
    const result = await invoke(['check'], {
      cwd,
      env: { ACME_PASSWORD: 'acme-secret-password' },
      connectorSearch: { searchRoots: [root], dependentsOf: [] },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ acme (acme-scanner): acme-scanner reached https://acme.example.test');
  });

  it('issue 8: rejects a manifest whose export is missing, naming the package, the name and what it exports', async () => {
    const root = packagesRoot([
      { ...acme, exportName: 'acmeConnector', moduleExport: 'acmeScannerConnector' },
    ]);
    const failure = discoverConnectors(searchIn(root));
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(
      /@acme\/posturesync-acme-scanner names "acmeConnector" in "posturesync.export".*exports: acmeScannerConnector, somethingElse/,
    );
  });

  it('issue 8: rejects an export that is not a connector definition', async () => {
    const root = packagesRoot([
      { ...acme, exportName: 'somethingElse', moduleExport: 'acmeScannerConnector' },
    ]);
    await expect(discoverConnectors(searchIn(root))).rejects.toThrow(
      /exports "somethingElse", but it is not a connector definition/,
    );
  });

  it('issue 8: rejects two packages that claim one connector id', async () => {
    const twin: FakePackage = { name: 'acme-scanner-fork', folder: 'fork', exportName: 'fork', id: acme.id };
    const root = packagesRoot([acme, twin]);
    await expect(discoverConnectors(searchIn(root))).rejects.toThrow(
      /Two packages define the connector type "acme-scanner": @acme\/posturesync-acme-scanner and acme-scanner-fork/,
    );
  });

  it('issue 8: keeps the built-ins, and never re-imports a package that provides one', async () => {
    expect([...(await discoverConnectors(searchIn(tempDirectory()))).keys()]).toEqual(builtInIds);
    // Would fail to load if imported: the built-in's static import serves it instead.
    const shadow = packagesRoot([
      {
        ...acme,
        name: '@posturesync/qualys-pcrs',
        scope: '@posturesync',
        folder: 'qualys-pcrs',
        exportName: 'nothing',
      },
    ]);
    expect(
      findConnectorPackages({ searchRoots: [shadow], dependentsOf: [], skipPackages: builtInPackageNames }),
    ).toEqual([]);
    expect([...(await discoverConnectors(searchIn(shadow))).keys()]).toEqual(builtInIds);
  });

  it('issue 8: the default search covers the CLI dependencies and this repository packages, and finds the built-ins there', async () => {
    const search = defaultConnectorSearch(tempDirectory(), new Set());
    expect(search.searchRoots).toEqual([join(cliPackageDirectory, '..')]);
    expect(search.dependentsOf[0]).toBe(cliPackageDirectory);
    const names = findConnectorPackages(search).map((pkg) => pkg.name);
    expect(names).toEqual(expect.arrayContaining([...builtInPackageNames]));
    const registry = await discoverConnectors({ cwd: tempDirectory() });
    expect([...registry.keys()].slice(0, builtInIds.length)).toEqual(builtInIds);
  });

  it('issue 8: discovery is lazy: commands that need no connector never load one', async () => {
    const broken = packagesRoot([
      { ...acme, exportName: 'missingExport', moduleExport: 'acmeScannerConnector' },
    ]);
    const cwd = tempDirectory();
    const connectorSearch = { searchRoots: [broken], dependentsOf: [] };
    const init = await invoke(['--config', 'unused.yaml', 'init'], { cwd, connectorSearch });
    expect(init.code).toBe(0);
    writeConfig(cwd);
    const check = await invoke(['check'], { cwd, env: { ACME_PASSWORD: 'x' }, connectorSearch });
    expect(check.code).toBe(2);
    expect(check.stdout).toContain('names "missingExport" in "posturesync.export"');
  });
});

/** `posturesync check` in `cwd`, finding connector packages only under `searchRoots`. */
function checkIn(cwd: string, searchRoots: string[] = []) {
  return invoke(['check'], {
    cwd,
    env: { ACME_PASSWORD: 'x' },
    connectorSearch: { searchRoots, dependentsOf: [] },
  });
}

/** A module that fails as soon as it is imported: proves a package was (or was not) loaded. */
const explodingModule = "throw new Error('this package must not be imported');\n";

function writeTwoInstanceConfig(cwd: string): void {
  const file = join(cwd, 'posturesync.config.yaml');
  writeFileSync(
    file,
    [
      'connectors:',
      '  - name: acme',
      '    type: acme-scanner',
      '    url: https://acme.example.test',
      '  - name: other',
      '    type: broken-scanner',
      '    url: https://other.example.test',
      '',
    ].join('\n'),
  );
  chmodSync(file, 0o600);
}

describe('issue 16: connector packages are loaded only for the types a config uses', () => {
  const broken: FakePackage = {
    name: 'posturesync-broken-scanner',
    folder: 'broken',
    exportName: 'brokenConnector',
    id: 'broken-scanner',
    moduleText: explodingModule,
  };

  it('issue 16: never imports an installed package whose type no instance uses', async () => {
    const unused: FakePackage = { ...broken, name: 'posturesync-unused', folder: 'unused', id: 'unused' };
    const root = packagesRoot([acme, unused]);
    const cwd = tempDirectory();
    writeConfig(cwd);
    const result = await checkIn(cwd, [root]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ acme (acme-scanner)');
  });

  it('issue 16: a broken package fails only its own instances; the others still run', async () => {
    const root = packagesRoot([acme, broken]);
    const cwd = tempDirectory();
    writeTwoInstanceConfig(cwd);
    const connectorSearch = { searchRoots: [root], dependentsOf: [] };
    const env = { ACME_PASSWORD: 'x' };
    const check = await invoke(['check'], { cwd, env, connectorSearch });
    expect(check.code).toBe(2);
    expect(check.stdout).toContain('✓ acme (acme-scanner)');
    expect(check.stdout).toMatch(
      /✗ other \(broken-scanner\): \[PS_ERR_CONFIG\] Could not load the connector package posturesync-broken-scanner .*must not be imported/,
    );
    const json = await invoke(['--json', 'check'], { cwd, env, connectorSearch });
    const parsed = JSON.parse(json.stdout) as { results: Array<{ instance: string; ok: boolean }> };
    expect(parsed.results.map((entry) => [entry.instance, entry.ok])).toEqual([
      ['other', false],
      ['acme', true],
    ]);
  });

  it('issue 16: refuses a package written for another connector API version, saying what to do', async () => {
    const root = packagesRoot([{ ...acme, apiVersion: 2 }]);
    const cwd = tempDirectory();
    writeConfig(cwd);
    const result = await checkIn(cwd, [root]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('was written for connector API version 2');
    expect(result.stdout).toContain('loads connector API version 1');
    const unstated = packagesRoot([{ ...acme, apiVersion: null }]);
    const again = await checkIn(cwd, [unstated]);
    expect(again.code).toBe(2);
    expect(again.stdout).toContain('states no "posturesync.apiVersion"');
  });

  it('issue 16: plugins: loads a package by a path relative to the config file', async () => {
    const cwd = tempDirectory();
    writePackage(join(cwd, 'vendor', 'acme'), acme);
    writeConfig(cwd, 'plugins:\n  - ./vendor/acme\n');
    const result = await checkIn(cwd);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ acme (acme-scanner)');
  });

  it('issue 16: plugins: resolves a package name from the config file folder, as Node would', async () => {
    const project = tempDirectory();
    writePackage(join(project, 'node_modules', '@acme', 'posturesync-acme-scanner'), acme);
    const configDirectory = join(project, 'config');
    mkdirSync(configDirectory);
    writeConfig(configDirectory, 'plugins:\n  - "@acme/posturesync-acme-scanner"\n');
    const result = await invoke(['--config', join(configDirectory, 'posturesync.config.yaml'), 'check'], {
      cwd: tempDirectory(),
      env: { ACME_PASSWORD: 'x' },
      connectorSearch: { searchRoots: [], dependentsOf: [] },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ acme (acme-scanner)');
  });

  it('issue 16: an unknown type says how to install it and which plugin entries were not found', async () => {
    const cwd = tempDirectory();
    writeConfig(cwd, 'plugins:\n  - "@acme/not-installed"\n');
    const result = await checkIn(cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown connector type "acme-scanner"');
    expect(result.stderr).toContain('list it under plugins:');
    expect(result.stderr).toContain('plugins[0] "@acme/not-installed": no package found');
  });

  it('issue 16: a connector with its own copy of core has its typed errors reported with their own codes', async () => {
    const cwd = tempDirectory();
    // A second copy of @posturesync/core, outside node_modules (as a linked or vendored copy is).
    const coreDirectory = join(cliPackageDirectory, '..', 'core');
    const copy = join(cwd, 'core-copy');
    cpSync(join(coreDirectory, 'src'), join(copy, 'src'), {
      recursive: true,
      filter: (source) => !source.endsWith('.test.ts'),
    });
    cpSync(join(coreDirectory, 'package.json'), join(copy, 'package.json'));
    symlinkSync(realpathSync(join(coreDirectory, 'node_modules')), join(copy, 'node_modules'), 'dir');
    const packageDirectory = join(cwd, 'vendor', 'acme');
    writePackage(packageDirectory, {
      ...acme,
      moduleText: `import { z } from 'zod';
import { AuthError } from '@posturesync/core';

export const acmeScannerConnector = {
  id: 'acme-scanner',
  displayName: 'Acme',
  description: 'Throws its own copy of AuthError',
  sourceName: 'ACME',
  configSchema: z.object({ url: z.string(), password: z.string().min(1) }),
  secrets: [{ key: 'password', env: 'ACME_PASSWORD', description: 'Acme password.' }],
  create: () => ({
    check: async () => { throw new AuthError('Acme rejected the credentials'); },
    read: async function* () {},
    close: async () => {},
  }),
};
`,
    });
    mkdirSync(join(packageDirectory, 'node_modules', '@posturesync'), { recursive: true });
    symlinkSync(copy, join(packageDirectory, 'node_modules', '@posturesync', 'core'), 'dir');
    writeConfig(cwd, 'plugins:\n  - ./vendor/acme\n');
    const copied = (await import(pathToFileURL(join(copy, 'src', 'index.ts')).href)) as typeof core;
    expect(copied.AuthError).not.toBe(core.AuthError);
    const result = await checkIn(cwd);
    expect(result.stdout).toContain('✗ acme (acme-scanner): [PS_ERR_AUTH] Acme rejected the credentials');
    expect(result.code).toBe(3);
  });
});
