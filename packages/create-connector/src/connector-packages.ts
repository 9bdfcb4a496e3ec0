import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConnectorDefinition } from '@posturesync/core';

/**
 * The manifest that makes a workspace package a connector, in its package.json:
 *
 *   "posturesync": { "connector": true, "apiVersion": 1, "id": "qualys-pcrs", "export": "qualysPcrsConnector" }
 *
 * `export` names the ConnectorDefinition exported by the package's main entry
 * (`exports["."]`, i.e. `src/index.ts`); `id` is the connector type it defines; `apiVersion`
 * the connector API it was written for. The CLI, the options-table tool and the consistency
 * check find connectors by this manifest alone.
 */
export interface ConnectorManifest {
  connector: true;
  apiVersion: number;
  id: string;
  export: string;
}

/** The connector API version the CLI loads (packages/cli/src/connector-discovery.ts says the same). */
export const connectorApiVersion = 1;

export interface PackageJson {
  name?: string;
  version?: string;
  private?: boolean;
  engines?: { node?: string };
  exports?: unknown;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  posturesync?: Partial<ConnectorManifest> & Record<string, unknown>;
  [field: string]: unknown;
}

export interface ConnectorPackage {
  /** Absolute directory, e.g. /repo/packages/qualys-pcrs. */
  directory: string;
  /** Directory name, e.g. qualys-pcrs. */
  folder: string;
  packageJson: PackageJson;
}

/** The repository root this tool lives in (packages/create-connector/src -> ../../..). */
export const defaultRepositoryRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export function readPackageJson(directory: string): PackageJson {
  return JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as PackageJson;
}

/** Every workspace package whose package.json declares `"posturesync": { "connector": true }`, by folder name. */
export function findConnectorPackages(root: string = defaultRepositoryRoot): ConnectorPackage[] {
  const packagesDirectory = join(root, 'packages');
  if (!existsSync(packagesDirectory)) return [];
  const found: ConnectorPackage[] = [];
  for (const folder of readdirSync(packagesDirectory).sort()) {
    const directory = join(packagesDirectory, folder);
    if (!existsSync(join(directory, 'package.json'))) continue;
    const packageJson = readPackageJson(directory);
    if (packageJson.posturesync?.connector === true) found.push({ directory, folder, packageJson });
  }
  return found;
}

/** The main entry file named by `exports["."]` (a string or `{ default }`), relative to the package. */
export function mainEntry(packageJson: PackageJson): string | null {
  const exportsField = packageJson.exports;
  const main =
    typeof exportsField === 'string'
      ? exportsField
      : exportsField && typeof exportsField === 'object'
        ? (exportsField as Record<string, unknown>)['.']
        : undefined;
  if (typeof main === 'string') return main;
  if (main && typeof main === 'object' && typeof (main as { default?: unknown }).default === 'string') {
    return (main as { default: string }).default;
  }
  return null;
}

function isDefinition(value: unknown): value is ConnectorDefinition<unknown> {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as Partial<ConnectorDefinition<unknown>>;
  return (
    typeof candidate.id === 'string' &&
    typeof candidate.create === 'function' &&
    typeof candidate.configSchema === 'object' &&
    Array.isArray(candidate.secrets)
  );
}

/** Imports the package's main entry and returns the definition its manifest names. */
export async function loadConnectorDefinition(
  connector: ConnectorPackage,
): Promise<ConnectorDefinition<unknown>> {
  const exportName = connector.packageJson.posturesync?.export;
  if (typeof exportName !== 'string' || exportName === '') {
    throw new Error(`package.json has no "posturesync.export" naming the exported connector definition`);
  }
  const entry = mainEntry(connector.packageJson);
  if (!entry) throw new Error('package.json has no exports["."] entry');
  const module = (await import(pathToFileURL(join(connector.directory, entry)).href)) as Record<
    string,
    unknown
  >;
  const definition = module[exportName];
  if (!isDefinition(definition)) {
    throw new Error(
      `${entry} does not export a connector definition named "${exportName}" (defineConnector(...))`,
    );
  }
  return definition;
}
