import { ConfigError, type ConnectorDefinition } from '@posturesync/core';
import { qualysPcReportConnector } from '@posturesync/qualys-pc-report';
import { qualysPcrsConnector } from '@posturesync/qualys-pcrs';
import {
  type ConnectorSearch,
  defaultConnectorSearch,
  findConnectorPackages,
  loadConnectorPackage,
} from './connector-discovery.ts';

export type ConnectorRegistry = ReadonlyMap<string, ConnectorDefinition<unknown>>;

/**
 * The connectors the CLI always has, imported statically so the published CLI works without
 * any discovery. Keyed by package name: discovery never imports these packages again.
 */
const builtIns: ReadonlyArray<{ packageName: string; definition: ConnectorDefinition<unknown> }> = [
  {
    packageName: '@posturesync/qualys-pcrs',
    definition: qualysPcrsConnector as ConnectorDefinition<unknown>,
  },
  {
    packageName: '@posturesync/qualys-pc-report',
    definition: qualysPcReportConnector as ConnectorDefinition<unknown>,
  },
];

/** The built-in connector definitions; a config block's `type` picks one by id. */
export const builtInConnectors: readonly ConnectorDefinition<unknown>[] = builtIns.map(
  (entry) => entry.definition,
);

export const builtInPackageNames: ReadonlySet<string> = new Set(builtIns.map((entry) => entry.packageName));

/** Only the built-in connectors (no discovery). */
export function builtInRegistry(): ConnectorRegistry {
  return new Map(builtInConnectors.map((definition) => [definition.id, definition]));
}

export interface DiscoverConnectorsOptions {
  /** Where to look; default: the CLI's dependencies, the project's dependencies and the repo's packages/*. */
  search?: Partial<ConnectorSearch>;
  /** For the default search: the directory the command runs in. */
  cwd?: string;
}

/**
 * Every connector type the CLI knows, by the `type` used in config files: the built-ins first,
 * then every package carrying the connector manifest (see connector-discovery.ts), by id.
 * Throws ConfigError when a manifest names a missing export or two packages claim one id.
 */
export async function discoverConnectors(
  options: DiscoverConnectorsOptions = {},
): Promise<ConnectorRegistry> {
  const defaults = defaultConnectorSearch(options.cwd ?? process.cwd(), builtInPackageNames);
  const search: ConnectorSearch = { ...defaults, ...options.search };
  const skipPackages = new Set([...builtInPackageNames, ...search.skipPackages]);
  const found = findConnectorPackages({ ...search, skipPackages });
  const definitions = await Promise.all(
    found.map(async (pkg) => ({ pkg, definition: await loadConnectorPackage(pkg) })),
  );

  const registry = new Map<string, ConnectorDefinition<unknown>>(builtInRegistry());
  const origin = new Map<string, string>(builtIns.map((entry) => [entry.definition.id, entry.packageName]));
  for (const { pkg, definition } of [...definitions].sort((left, right) =>
    left.definition.id < right.definition.id ? -1 : left.definition.id > right.definition.id ? 1 : 0,
  )) {
    const claimed = origin.get(definition.id);
    if (claimed !== undefined) {
      if (registry.get(definition.id) === definition) continue;
      throw new ConfigError(
        `Two packages define the connector type "${definition.id}": ${claimed} and ${pkg.name} (${pkg.directory}); connector ids must be unique, so rename one or uninstall the other.`,
        { details: { id: definition.id, packages: [claimed, pkg.name] } },
      );
    }
    registry.set(definition.id, definition);
    origin.set(definition.id, pkg.name);
  }
  return registry;
}
