import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, type ConnectorDefinition, type SecretRedactor } from '@posturesync/core';
import { isPostgresUrl, postgresUrlFromFields } from '@posturesync/store-postgres';
import { type ConfigEnvelope, type ConnectorBlock, configEnvelopeSchema } from './config-envelope.ts';
import { configPermissionWarnings } from './file-permissions.ts';
import { formatIssues } from './format-issues.ts';
import { interpolateString } from './interpolate.ts';
import { parseConfigText } from './parse-config-text.ts';
import {
  connectorLabel,
  type Environment,
  type ResolvedConnector,
  resolveConnectorBlock,
} from './resolve-connector.ts';

export interface ConfigFile {
  file: string;
  envelope: ConfigEnvelope;
  /**
   * `database:` as one string: a SQLite path resolved against the config file's directory, or a
   * PostgreSQL URL (a block becomes one, see `databaseFromConfig`); null when not set.
   */
  database: string | null;
  /** Permission warnings; the caller logs them. */
  warnings: string[];
}

function invalid(file: string, problems: string[]): ConfigError {
  return new ConfigError(
    `invalid config file ${file}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    { details: { file, problems } },
  );
}

/**
 * Reads, parses and validates the file's outer shape; connector blocks are checked by
 * `resolveConnectors`. `${NAME}` references in `database` and `plugins` are filled in from `env`.
 */
export async function readConfigFile(file: string, env: Environment = {}): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT'
        ? `config file ${file} not found; create one with \`posturesync init\``
        : `cannot read config file ${file} (${code ?? String(error)}); check its permissions`,
      { details: { file }, cause: error },
    );
  }
  const raw = parseConfigText(text, file);
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw))
    throw invalid(file, [
      '(top level): expected an object with a "connectors" list (run `posturesync init` for an example)',
    ]);
  const parsed = configEnvelopeSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const blocks = (raw as { connectors?: unknown }).connectors;
    const problems = parsed.error.issues.flatMap((issue) => {
      const [first, index] = issue.path;
      if (first === 'connectors' && typeof index === 'number') {
        const name = Array.isArray(blocks)
          ? (blocks[index] as { name?: unknown } | undefined)?.name
          : undefined;
        return formatIssues([{ ...issue, path: issue.path.slice(2) }], connectorLabel(index, name));
      }
      return formatIssues([issue], '');
    });
    throw invalid(file, problems);
  }
  const problems: string[] = [];
  const envelope: ConfigEnvelope = {
    ...parsed.data,
    ...(typeof parsed.data.database === 'string'
      ? { database: interpolateString(parsed.data.database, env, 'database', problems) }
      : {}),
    ...(parsed.data.plugins === undefined
      ? {}
      : {
          plugins: parsed.data.plugins.map((plugin, index) =>
            interpolateString(plugin, env, `plugins[${index}]`, problems),
          ),
        }),
  };
  if (problems.length > 0) throw invalid(file, problems);
  return {
    file,
    envelope,
    database: databaseFromConfig(envelope.database, dirname(file)),
    warnings: await configPermissionWarnings(file),
  };
}

/** A path is relative to the config file; a PostgreSQL URL or block is taken as it is. */
function databaseFromConfig(database: ConfigEnvelope['database'], directory: string): string | null {
  if (database === undefined) return null;
  if (typeof database !== 'string') return postgresUrlFromFields(database);
  return isPostgresUrl(database) ? database : resolve(directory, database);
}

/** The connector blocks `only` selects (all when undefined), with their index in the file. */
export function selectConnectorBlocks(
  config: ConfigFile,
  only: string | undefined,
): Array<{ block: ConnectorBlock; index: number }> {
  const blocks = config.envelope.connectors;
  const selected = blocks
    .map((block, index) => ({ block, index }))
    .filter(({ block }) => only === undefined || block.name === only);
  if (selected.length === 0)
    throw new ConfigError(
      `no connector instance named "${only}" in ${config.file}; instances: ${blocks.map((block) => block.name).join(', ')}`,
      { details: { file: config.file, connector: only ?? null } },
    );
  return selected;
}

/** An instance whose connector package was found but cannot be loaded; the others still run. */
export interface UnavailableConnector {
  name: string;
  type: string;
  error: ConfigError;
}

export interface ResolveConnectorsOptions {
  registry: ReadonlyMap<string, ConnectorDefinition<unknown>>;
  env: Environment;
  redactor: SecretRedactor;
  only?: string | undefined;
  /** Types whose package failed to load (see connector-types.ts). */
  failures?: ReadonlyMap<string, ConfigError>;
  /** Packages that could not be read, added to the message about an unknown type. */
  notes?: readonly string[];
}

/**
 * Validates the selected connector blocks with their definitions' schemas, secrets taken from
 * the environment, and reports every config problem at once. Instances whose type's package
 * is broken are returned apart instead, so one broken package does not stop the others.
 */
export function resolveConnectorSet(
  config: ConfigFile,
  options: ResolveConnectorsOptions,
): { connectors: ResolvedConnector[]; unavailable: UnavailableConnector[] } {
  const problems: string[] = [];
  const connectors: ResolvedConnector[] = [];
  const unavailable: UnavailableConnector[] = [];
  let unknownType = false;
  for (const { block, index } of selectConnectorBlocks(config, options.only)) {
    const failure = options.failures?.get(block.type);
    if (failure !== undefined) {
      unavailable.push({ name: block.name, type: block.type, error: failure });
      continue;
    }
    if (!options.registry.has(block.type)) unknownType = true;
    const result = resolveConnectorBlock(block, index, options);
    problems.push(...result.problems);
    if (result.connector) connectors.push(result.connector);
  }
  if (unknownType) {
    problems.push(
      'a connector type that is not built in comes from its package: install it next to the config file (npm install <package>) or list it under plugins: in the config',
      ...(options.notes ?? []).map((note) => `could not use: ${note}`),
    );
  }
  if (problems.length > 0) throw invalid(config.file, problems);
  return { connectors, unavailable };
}

/** Like resolveConnectorSet, for callers whose types all come from `registry` (demo, tests). */
export function resolveConnectors(
  config: ConfigFile,
  options: ResolveConnectorsOptions,
): ResolvedConnector[] {
  return resolveConnectorSet(config, options).connectors;
}
