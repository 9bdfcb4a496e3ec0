import type { ConnectorNames } from '../connector-names.ts';

export interface DependencyVersions {
  zod: string;
  msw: string;
  node: string;
}

export function packageJson(names: ConnectorNames, versions: DependencyVersions): string {
  const manifest = {
    name: names.packageName,
    version: '0.0.0',
    description: `posturesync connector for ${names.displayName}`,
    license: 'Apache-2.0',
    type: 'module',
    engines: { node: versions.node },
    exports: { '.': './src/index.ts' },
    publishConfig: { exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } } },
    files: ['dist', 'README.md'],
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json --noEmit',
      lint: 'biome check .',
      test: `vitest run --project ${names.id}`,
    },
    posturesync: { connector: true, apiVersion: 1, id: names.id, export: names.exportName },
    dependencies: { zod: versions.zod },
    // core is a peer: the connector runs with the CLI's copy (one set of error classes and no
    // second native SQLite module per connector); the dev copy is for its own tests.
    peerDependencies: { '@posturesync/core': 'workspace:^' },
    // The engine and the SQLite store only run the conformance suite's syncs in the tests.
    devDependencies: {
      '@posturesync/core': 'workspace:*',
      '@posturesync/engine': 'workspace:*',
      '@posturesync/store-sqlite': 'workspace:*',
      msw: versions.msw,
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function tsconfigJson(): string {
  return `{
  "extends": "../../tsconfig.base.json",
  "include": ["src", "test", "*.ts"]
}
`;
}

export function tsconfigBuildJson(): string {
  return `{
  "extends": "./tsconfig.json",
  "compilerOptions": {
    "noEmit": false,
    "outDir": "dist",
    "rootDir": "src",
    "declaration": true,
    "rewriteRelativeImportExtensions": true
  },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts", "src/**/test-support/**"]
}
`;
}

export function vitestConfig(names: ConnectorNames): string {
  return `import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '${names.id}',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
`;
}
