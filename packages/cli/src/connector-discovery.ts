import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError, type ConnectorDefinition } from '@posturesync/core';

/**
 * The connector API version this CLI loads. A connector package states the version it was
 * written against in its manifest; a mismatch is refused with a message instead of failing
 * later in ways nobody can read.
 */
export const connectorApiVersion = 1;

/**
 * The connector manifest, in a package's package.json (see packages/create-connector/README.md):
 *
 *   "posturesync": { "connector": true, "apiVersion": 1, "id": "acme-scanner", "export": "acmeScannerConnector" }
 *
 * `export` names the ConnectorDefinition exported by the package's main entry (`exports["."]`);
 * `id` is the connector type it defines, so the CLI imports a package only when a config
 * uses its type (a package without `id` is imported only when no declared one matches).
 */
interface ManifestPackageJson {
  name?: unknown;
  main?: unknown;
  exports?: unknown;
  dependencies?: unknown;
  devDependencies?: unknown;
  posturesync?: { connector?: unknown; export?: unknown; apiVersion?: unknown; id?: unknown };
}

/** A package that declares itself a connector, found but not yet imported. */
export interface ConnectorPackage {
  name: string;
  /** Real path of the package directory. */
  directory: string;
  exportName: string;
  /** Entry file relative to the directory, from `exports["."]` (or `main`). */
  entry: string;
  /** The connector type the manifest says the package defines, or null when it does not say. */
  declaredId: string | null;
  /**
   * Why the package cannot be loaded (bad manifest, unsupported API version), or null. Found
   * packages are never thrown over here, so one broken package fails only the instances that
   * need it.
   */
  problem: string | null;
}

export interface ConnectorSearch {
  /**
   * Directories whose sub-directories (and `@scope/*` sub-directories) are candidate packages,
   * e.g. `<repo>/packages`.
   */
  searchRoots: readonly string[];
  /** Directories whose package.json dependencies are candidates, resolved from their node_modules. */
  dependentsOf: readonly string[];
  /** Package names never imported here because the CLI already imports them statically. */
  skipPackages: ReadonlySet<string>;
}

/** The @posturesync/cli package directory (src/ -> ..). */
export const cliPackageDirectory = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * Where the CLI looks by default: its own dependencies, the dependencies of the project the
 * config file lives in (the nearest package.json above `from`: the config file's folder, or
 * the working directory), and, when the CLI runs from a checkout of the posturesync
 * repository, that workspace's `packages/*` (so a package made by `pnpm new-connector` is
 * usable at once).
 */
export function defaultConnectorSearch(from: string, skipPackages: ReadonlySet<string>): ConnectorSearch {
  const workspace = findUp(cliPackageDirectory, 'pnpm-workspace.yaml');
  const project = findUp(from, 'package.json');
  return {
    searchRoots: workspace === null ? [] : [join(workspace, 'packages')],
    dependentsOf: [cliPackageDirectory, ...(project === null ? [] : [project])],
    skipPackages,
  };
}

/** The nearest directory at or above `start` that holds `file`. */
function findUp(start: string, file: string): string | null {
  let directory = resolve(start);
  for (;;) {
    if (existsSync(join(directory, file))) return directory;
    const parent = dirname(directory);
    if (parent === directory) return null;
    directory = parent;
  }
}

export function readManifest(directory: string): ManifestPackageJson | null {
  const file = join(directory, 'package.json');
  if (!existsSync(file)) return null;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed !== null && typeof parsed === 'object' ? (parsed as ManifestPackageJson) : null;
  } catch {
    // Not a package we can read: it cannot be a connector we could load either.
    return null;
  }
}

/** `exports["."]` as a string, or its `import` / `default` condition; else `main`. */
function entryOf(packageJson: ManifestPackageJson): string | null {
  const field = packageJson.exports;
  let main: unknown =
    typeof field === 'string'
      ? field
      : field && typeof field === 'object'
        ? Reflect.get(field, '.')
        : undefined;
  for (let depth = 0; main && typeof main === 'object' && depth < 4; depth++) {
    const conditions = main as Record<string, unknown>;
    main = conditions.import ?? conditions.node ?? conditions.default;
  }
  if (typeof main === 'string') return main;
  return typeof packageJson.main === 'string' ? packageJson.main : null;
}

function dependencyNames(packageJson: ManifestPackageJson): string[] {
  const names = new Set<string>();
  for (const field of [packageJson.dependencies, packageJson.devDependencies]) {
    if (field && typeof field === 'object') for (const name of Object.keys(field)) names.add(name);
  }
  return [...names];
}

/** Node's lookup of an installed package: `node_modules/<name>` in `from` or any ancestor. */
function resolveInstalled(name: string, from: string): string | null {
  let directory = resolve(from);
  for (;;) {
    const candidate = join(directory, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(directory);
    if (parent === directory) return null;
    directory = parent;
  }
}

function packageDirectoriesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    const directory = join(root, entry.name);
    if (entry.name.startsWith('@')) {
      for (const scoped of readdirSync(directory, { withFileTypes: true })) {
        if (scoped.isDirectory() || scoped.isSymbolicLink()) found.push(join(directory, scoped.name));
      }
    } else {
      found.push(directory);
    }
  }
  return found;
}

/**
 * Finds connector packages without importing them: only package.json files are read.
 * A package reached twice (a workspace package that is also a linked dependency) counts once.
 * Sorted by package name, so the result does not depend on the file system's order.
 */
export function findConnectorPackages(search: ConnectorSearch): ConnectorPackage[] {
  const candidates: string[] = [];
  for (const root of search.searchRoots) candidates.push(...packageDirectoriesUnder(root));
  for (const dependent of search.dependentsOf) {
    const packageJson = readManifest(dependent);
    if (!packageJson) continue;
    for (const name of dependencyNames(packageJson)) {
      if (search.skipPackages.has(name)) continue;
      const directory = resolveInstalled(name, dependent);
      if (directory) candidates.push(directory);
    }
  }
  const byDirectory = new Map<string, ConnectorPackage>();
  for (const candidate of candidates) {
    const found = describeConnectorPackage(candidate);
    if (found === null || search.skipPackages.has(found.name)) continue;
    if (!byDirectory.has(found.directory)) byDirectory.set(found.directory, found);
  }
  return [...byDirectory.values()].sort((left, right) =>
    left.name < right.name ? -1 : left.name > right.name ? 1 : 0,
  );
}

/**
 * Reads one package's manifest (no import): null when the directory holds no connector
 * package, else what loading it needs, with `problem` set when it cannot be loaded.
 */
export function describeConnectorPackage(candidate: string): ConnectorPackage | null {
  const packageJson = readManifest(candidate);
  if (packageJson?.posturesync?.connector !== true) return null;
  const manifest = packageJson.posturesync;
  const name = typeof packageJson.name === 'string' ? packageJson.name : candidate;
  const directory = realpathSync(candidate);
  const declaredId = typeof manifest.id === 'string' && manifest.id !== '' ? manifest.id : null;
  const entry = entryOf(packageJson);
  const exportName = typeof manifest.export === 'string' ? manifest.export : '';
  const described = { name, directory, exportName, entry: entry ?? '', declaredId };
  if (exportName === '') {
    return {
      ...described,
      problem: `the connector package ${name} (${directory}) declares "posturesync": { "connector": true } in its package.json but no "export" naming its connector definition; add e.g. "export": "myConnector".`,
    };
  }
  if (entry === null) {
    return {
      ...described,
      problem: `the connector package ${name} (${directory}) has no main entry: its package.json needs "exports": { ".": "./src/index.ts" } (or "main").`,
    };
  }
  if (manifest.apiVersion !== connectorApiVersion) {
    const stated =
      manifest.apiVersion === undefined
        ? 'states no "posturesync.apiVersion"'
        : `was written for connector API version ${JSON.stringify(manifest.apiVersion)}`;
    return {
      ...described,
      problem: `the connector package ${name} (${directory}) ${stated}, and this posturesync loads connector API version ${connectorApiVersion}; install a version of the package made for it (or, for your own package, add "apiVersion": ${connectorApiVersion} to "posturesync" in its package.json once it works with this version).`,
    };
  }
  return { ...described, problem: null };
}

/** What the CLI needs from a definition before it trusts it: the ConnectorDefinition shape. */
export function isConnectorDefinition(value: unknown): value is ConnectorDefinition<unknown> {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  const schema = candidate.configSchema as { safeParse?: unknown } | null | undefined;
  return (
    typeof candidate.id === 'string' &&
    candidate.id !== '' &&
    typeof candidate.displayName === 'string' &&
    typeof candidate.description === 'string' &&
    typeof candidate.sourceName === 'string' &&
    typeof candidate.create === 'function' &&
    typeof schema?.safeParse === 'function' &&
    Array.isArray(candidate.secrets)
  );
}

/** Imports the package's entry and returns the definition its manifest names. */
export async function loadConnectorPackage(found: ConnectorPackage): Promise<ConnectorDefinition<unknown>> {
  if (found.problem !== null) {
    throw new ConfigError(found.problem.charAt(0).toUpperCase() + found.problem.slice(1), {
      details: { package: found.name, directory: found.directory },
    });
  }
  const file = join(found.directory, found.entry);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(
      `Could not load the connector package ${found.name} from ${file}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, details: { package: found.name, entry: file } },
    );
  }
  if (!(found.exportName in module)) {
    const exported = Object.keys(module).sort().join(', ') || 'nothing';
    throw new ConfigError(
      `The connector package ${found.name} names "${found.exportName}" in "posturesync.export" of its package.json, but ${file} exports no such name (it exports: ${exported}); fix the manifest or export the definition under that name.`,
      { details: { package: found.name, export: found.exportName, entry: file } },
    );
  }
  const definition = module[found.exportName];
  if (!isConnectorDefinition(definition)) {
    throw new ConfigError(
      `The connector package ${found.name} exports "${found.exportName}", but it is not a connector definition (needs id, displayName, description, sourceName, configSchema, secrets and create; build it with defineConnector from @posturesync/core).`,
      { details: { package: found.name, export: found.exportName, entry: file } },
    );
  }
  return definition;
}
