import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ConnectorNames, connectorNames, validateConnectorName } from './connector-names.ts';
import { defaultRepositoryRoot, readPackageJson } from './connector-packages.ts';
import { processConnectorReadme } from './options-table.ts';
import {
  type DependencyVersions,
  packageJson,
  tsconfigBuildJson,
  tsconfigJson,
  vitestConfig,
} from './templates/package-files.ts';

const templatesDirectory = fileURLToPath(new URL('../templates/connector', import.meta.url));

export interface GenerateConnectorOptions {
  /** Repository root (holds `packages/` and `.changeset/`). */
  root: string;
  /** kebab-case connector name: folder, id and package suffix. */
  name: string;
  displayName?: string;
  /**
   * Link the new package into the workspace (`pnpm install --offline`, then online) and
   * format it with biome. Off in tests.
   */
  install?: boolean;
  log?: (line: string) => void;
}

export interface GeneratedConnector {
  names: ConnectorNames;
  directory: string;
  /** Written files, relative to the repository root. */
  files: string[];
  /** Whether the README options table was rendered from the new schema. */
  optionsTableRendered: boolean;
}

/** Replaces the template tokens (`__ID__`, `__PASCAL__`...) with the connector's names. */
export function fillTemplate(template: string, names: ConnectorNames): string {
  return template
    .replaceAll('__PACKAGE__', names.packageName)
    .replaceAll('__DISPLAY__', names.displayName)
    .replaceAll('__EXPORT__', names.exportName)
    .replaceAll('__PASCAL__', names.pascal)
    .replaceAll('__CAMEL__', names.camel)
    .replaceAll('__CONSTANT__', names.constant)
    .replaceAll('__ID__', names.id);
}

function templateFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? templateFiles(path) : [path];
  });
}

/** Versions the new package depends on: the ones the workspace already uses, so nothing new is downloaded. */
export function dependencyVersions(root: string): DependencyVersions {
  const fromPackage = (
    folder: string,
    field: 'dependencies' | 'engines',
    name: string,
  ): string | undefined => {
    for (const base of [root, defaultRepositoryRoot]) {
      const directory = join(base, 'packages', folder);
      if (!existsSync(join(directory, 'package.json'))) continue;
      const manifest = readPackageJson(directory);
      const value = field === 'engines' ? manifest.engines?.node : manifest.dependencies?.[name];
      if (value) return value;
    }
    return undefined;
  };
  return {
    zod: fromPackage('core', 'dependencies', 'zod') ?? '^4.6.7',
    msw: fromPackage('qualys-simulator', 'dependencies', 'msw') ?? '^3.0.5',
    node: fromPackage('core', 'engines', 'node') ?? '>=22.19',
  };
}

function write(root: string, path: string, content: string, files: string[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  files.push(relative(root, path));
}

/**
 * The environment for a nested pnpm: without the `npm_config_*` settings the outer `pnpm
 * new-connector` exported. pnpm's own settings in there (e.g. verify-deps-before-run) reach any
 * npm that an install script starts, which warns "Unknown env config" for each one.
 */
export function nestedPnpmEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^npm_config_/i.test(key)));
}

function run(command: string, args: string[], cwd: string, log: (line: string) => void): boolean {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: nestedPnpmEnvironment(process.env) });
  return result.status === 0;
}

/**
 * Creates `packages/<name>/`: package.json with the connector manifest, tsconfigs, vitest
 * project, config schema, a working example connector (ping + paged host list), msw handlers
 * served over loopback, a mapping test, the conformance suite, a README with the options
 * table, and `.changeset/<name>-initial.md`.
 */
export async function generateConnector(options: GenerateConnectorOptions): Promise<GeneratedConnector> {
  const log = options.log ?? (() => {});
  validateConnectorName(options.name, options.root);
  const names = connectorNames(options.name, options.displayName);
  const directory = join(options.root, 'packages', names.id);
  const files: string[] = [];

  write(
    options.root,
    join(directory, 'package.json'),
    packageJson(names, dependencyVersions(options.root)),
    files,
  );
  write(options.root, join(directory, 'tsconfig.json'), tsconfigJson(), files);
  write(options.root, join(directory, 'tsconfig.build.json'), tsconfigBuildJson(), files);
  write(options.root, join(directory, 'vitest.config.ts'), vitestConfig(names), files);
  for (const template of templateFiles(templatesDirectory)) {
    const relativePath = relative(templatesDirectory, template).replace(/\.tmpl$/, '');
    const content = fillTemplate(readFileSync(template, 'utf8'), names);
    const target =
      relativePath === 'changeset.md'
        ? join(options.root, '.changeset', `${names.id}-initial.md`)
        : join(directory, relativePath);
    write(options.root, target, content, files);
  }

  if (options.install) {
    // The new package must be linked (zod, msw, @posturesync/core) before its schema can be
    // imported; offline first, since every dependency is already in the store.
    if (!run('npx', ['pnpm', 'install', '--offline'], options.root, log)) {
      log('Offline install failed; trying online.');
      if (!run('npx', ['pnpm', 'install'], options.root, log)) {
        log('pnpm install failed: run `npx pnpm install` yourself, then `npx pnpm options-table`.');
      }
    }
  }

  const readme = await processConnectorReadme(
    { directory, folder: names.id, packageJson: readPackageJson(directory) },
    { check: false },
  );
  const optionsTableRendered = readme.status === 'updated' || readme.status === 'unchanged';
  if (!optionsTableRendered) log(`README options table not rendered yet: ${readme.message}`);

  if (options.install) {
    const biome = join(options.root, 'node_modules', '.bin', 'biome');
    if (existsSync(biome))
      run(biome, ['check', '--write', relative(options.root, directory)], options.root, log);
  }
  return { names, directory, files: files.sort(), optionsTableRendered };
}
