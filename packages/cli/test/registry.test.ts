import { chmodSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
}

/** Writes connector packages under `<temp>/packages`, the search root handed to discovery. */
function packagesRoot(packages: readonly FakePackage[]): string {
  const root = join(tempDirectory(), 'packages');
  const zod = realpathSync(join(cliPackageDirectory, 'node_modules', 'zod'));
  for (const pkg of packages) {
    const directory = pkg.scope ? join(root, pkg.scope, pkg.folder) : join(root, pkg.folder);
    mkdirSync(join(directory, 'node_modules'), { recursive: true });
    // What `pnpm install` would link for the package.
    symlinkSync(zod, join(directory, 'node_modules', 'zod'), 'dir');
    writeFileSync(
      join(directory, 'package.json'),
      JSON.stringify({
        name: pkg.name,
        version: '0.0.1',
        type: 'module',
        exports: { '.': './index.js' },
        posturesync: { connector: true, export: pkg.exportName },
      }),
    );
    writeFileSync(join(directory, 'index.js'), connectorModule(pkg.moduleExport ?? pkg.exportName, pkg.id));
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
function writeConfig(cwd: string): void {
  const file = join(cwd, 'posturesync.config.yaml');
  writeFileSync(
    file,
    'connectors:\n  - name: acme\n    type: acme-scanner\n    url: https://acme.example.test\n',
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
    expect(check.stderr).toContain('names "missingExport" in "posturesync.export"');
  });
});
