import { existsSync } from 'node:fs';
import { findPackageJSON } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type ConnectorDefinition } from '@posturesync/core';
import {
  type ConnectorPackage,
  type ConnectorSearch,
  defaultConnectorSearch,
  describeConnectorPackage,
  findConnectorPackages,
  loadConnectorPackage,
} from './connector-discovery.ts';
import { builtInPackageNames, builtInRegistry } from './registry.ts';

/** What loading the connector types a config uses produced. */
export interface ConnectorTypes {
  /** The definitions of the types that loaded, by type. */
  definitions: ReadonlyMap<string, ConnectorDefinition<unknown>>;
  /**
   * Types whose package was found but cannot be used (broken import, bad manifest, another
   * connector API version): only the instances of these types fail; the others run.
   */
  failures: ReadonlyMap<string, ConfigError>;
  /** Packages or plugin entries that could not be read, for the message about an unknown type. */
  notes: readonly string[];
}

export interface ConnectorTypesRequest {
  /** The connector types the selected config blocks use. */
  types: readonly string[];
  /** The config file's folder: `plugins` entries and the project's dependencies resolve from it. */
  configDirectory: string;
  /** The config's `plugins:` list: package names, or paths relative to the config file. */
  plugins: readonly string[];
}

/** Where a plugin entry points: its package directory, or null when nothing is there. */
function resolvePlugin(plugin: string, configDirectory: string): string | null {
  if (plugin.startsWith('.') || isAbsolute(plugin)) {
    const directory = resolve(configDirectory, plugin);
    return existsSync(join(directory, 'package.json')) ? directory : null;
  }
  try {
    // Node's own resolution of a bare name from the config file's folder (node_modules upward).
    const file = findPackageJSON(plugin, pathToFileURL(join(configDirectory, 'posturesync.config.yaml')));
    return file === undefined ? null : dirname(file);
  } catch {
    return null;
  }
}

type Loaded = { ok: true; definition: ConnectorDefinition<unknown> } | { ok: false; error: ConfigError };

async function loadIsolated(found: ConnectorPackage): Promise<Loaded> {
  try {
    return { ok: true, definition: await loadConnectorPackage(found) };
  } catch (error) {
    const configError =
      error instanceof ConfigError
        ? error
        : new ConfigError(
            `Could not load the connector package ${found.name}: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error, details: { package: found.name } },
          );
    return { ok: false, error: configError };
  }
}

/**
 * Loads the connector types a config uses, and only those. Built-ins come from the CLI's static
 * imports. Other types come from connector packages found without importing anything (package
 * manifests only): the config's `plugins:` entries first, then the dependencies of the config
 * file's project and of the CLI, then this repository's `packages/*`. A package whose manifest
 * declares the wanted `id` is imported; packages that declare no id are imported only while a
 * wanted type is still missing. Each import is isolated, so a broken package fails the instances
 * of its own type and nothing else.
 */
export async function loadConnectorTypes(
  request: ConnectorTypesRequest,
  searchOverride: Partial<ConnectorSearch> = {},
): Promise<ConnectorTypes> {
  const definitions = new Map<string, ConnectorDefinition<unknown>>();
  const failures = new Map<string, ConfigError>();
  const notes: string[] = [];
  const wanted = new Set(request.types);
  // The built-ins are imported statically anyway: always known (and listed for an unknown type).
  for (const [id, definition] of builtInRegistry()) {
    definitions.set(id, definition);
    wanted.delete(id);
  }
  if (wanted.size === 0) return { definitions, failures, notes };

  const candidates: ConnectorPackage[] = [];
  request.plugins.forEach((plugin, index) => {
    const directory = resolvePlugin(plugin, request.configDirectory);
    if (directory === null) {
      notes.push(`plugins[${index}] "${plugin}": no package found from ${request.configDirectory}`);
      return;
    }
    const found = describeConnectorPackage(directory);
    if (found === null)
      notes.push(
        `plugins[${index}] "${plugin}" (${directory}) is not a connector package: its package.json has no "posturesync": { "connector": true }`,
      );
    else candidates.push(found);
  });
  const defaults = defaultConnectorSearch(request.configDirectory, builtInPackageNames);
  const search: ConnectorSearch = { ...defaults, ...searchOverride };
  const skipPackages = new Set([...builtInPackageNames, ...search.skipPackages]);
  const seen = new Set(candidates.map((found) => found.directory));
  for (const found of findConnectorPackages({ ...search, skipPackages })) {
    if (!seen.has(found.directory)) candidates.push(found);
    seen.add(found.directory);
  }

  // Packages that say which type they define: import only those a config block uses.
  const declared = new Map<string, ConnectorPackage[]>();
  for (const found of candidates) {
    if (found.declaredId === null || !wanted.has(found.declaredId)) continue;
    declared.set(found.declaredId, [...(declared.get(found.declaredId) ?? []), found]);
  }
  for (const [id, packages] of declared) {
    wanted.delete(id);
    const [only, ...others] = packages;
    if (only === undefined) continue;
    if (others.length > 0) {
      failures.set(
        id,
        new ConfigError(
          `Two packages define the connector type "${id}": ${packages.map((found) => `${found.name} (${found.directory})`).join(' and ')}; connector ids must be unique, so uninstall one or name the one to use in plugins:.`,
          { details: { id, packages: packages.map((found) => found.name) } },
        ),
      );
      continue;
    }
    const loaded = await loadIsolated(only);
    if (!loaded.ok) failures.set(id, loaded.error);
    else if (loaded.definition.id !== id)
      failures.set(
        id,
        new ConfigError(
          `The connector package ${only.name} declares "id": "${id}" in its package.json, but its definition's id is "${loaded.definition.id}"; make them the same.`,
          { details: { package: only.name, declared: id, defined: loaded.definition.id } },
        ),
      );
    else definitions.set(id, loaded.definition);
  }

  // Packages from before manifests named their type: import them only while one is missing.
  for (const found of candidates) {
    if (wanted.size === 0) break;
    if (found.declaredId !== null) continue;
    const loaded = await loadIsolated(found);
    if (!loaded.ok) {
      notes.push(loaded.error.message);
      continue;
    }
    const id = loaded.definition.id;
    if (wanted.delete(id)) definitions.set(id, loaded.definition);
  }
  return { definitions, failures, notes };
}

/** The same answer from a fixed map of definitions (tests, embedders that register their own). */
export function connectorTypesFrom(
  registry: ReadonlyMap<string, ConnectorDefinition<unknown>>,
): ConnectorTypes {
  return { definitions: registry, failures: new Map(), notes: [] };
}
