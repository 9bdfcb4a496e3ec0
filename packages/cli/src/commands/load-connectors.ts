import { dirname } from 'node:path';
import { findConfigFile, missingConfigError } from '../config/find-config-file.ts';
import {
  type ConfigFile,
  readConfigFile,
  resolveConnectorSet,
  selectConnectorBlocks,
  type UnavailableConnector,
} from '../config/load-config.ts';
import type { ResolvedConnector } from '../config/resolve-connector.ts';
import type { CliContext } from '../context.ts';

/**
 * Finds, reads and validates the config; logs permission warnings; loads the connector types
 * the selected instances use (and only those). Throws ConfigError on any config problem; an
 * instance whose connector package is broken comes back in `unavailable`.
 */
export async function loadConnectors(
  context: CliContext,
  only: string | undefined,
): Promise<{
  config: ConfigFile;
  connectors: ResolvedConnector[];
  unavailable: UnavailableConnector[];
  database: string;
}> {
  const file = await findConfigFile(context.globals.config, context.cwd);
  if (file === null) throw missingConfigError(context.cwd);
  const config = await readConfigFile(file, context.env);
  for (const warning of config.warnings) context.logger.warn(warning);
  const types = [...new Set(selectConnectorBlocks(config, only).map(({ block }) => block.type))];
  const loaded = await context.connectorTypes({
    types,
    configDirectory: dirname(file),
    plugins: config.envelope.plugins ?? [],
  });
  const { connectors, unavailable } = resolveConnectorSet(config, {
    registry: loaded.definitions,
    failures: loaded.failures,
    notes: loaded.notes,
    env: context.env,
    redactor: context.redactor,
    only,
  });
  return { config, connectors, unavailable, database: context.databasePath(config.database) };
}
