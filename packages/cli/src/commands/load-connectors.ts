import { findConfigFile, missingConfigError } from '../config/find-config-file.ts';
import { type ConfigFile, readConfigFile, resolveConnectors } from '../config/load-config.ts';
import type { ResolvedConnector } from '../config/resolve-connector.ts';
import type { CliContext } from '../context.ts';

/** Finds, reads and validates the config; logs permission warnings. Throws ConfigError on any problem. */
export async function loadConnectors(
  context: CliContext,
  only: string | undefined,
): Promise<{ config: ConfigFile; connectors: ResolvedConnector[]; database: string }> {
  const file = await findConfigFile(context.globals.config, context.cwd);
  if (file === null) throw missingConfigError(context.cwd);
  const config = await readConfigFile(file);
  for (const warning of config.warnings) context.logger.warn(warning);
  const connectors = resolveConnectors(config, {
    registry: await context.registry(),
    env: context.env,
    redactor: context.redactor,
    only,
  });
  return { config, connectors, database: context.databasePath(config.database) };
}
