import { dirname } from 'node:path';
import {
  ConfigError,
  type ConnectorDefinition,
  connectorSpec,
  describeConfigOptions,
} from '@posturesync/core';
import type { Command } from 'commander';
import { findConfigFile } from '../config/find-config-file.ts';
import { readConfigFile } from '../config/load-config.ts';
import type { CliContext } from '../context.ts';
import { exitCodes } from '../exit-codes.ts';
import { builtInConnectors } from '../registry.ts';
import type { CommandRunner } from './command-runner.ts';

/**
 * The connector definitions `spec` describes: the one `--type` names (built in, or from a
 * package the config's plugins or project provide), else the built-ins and every type the
 * config file (when there is one) uses.
 */
async function definitionsFor(
  context: CliContext,
  type: string | undefined,
): Promise<ConnectorDefinition<unknown>[]> {
  const file = await findConfigFile(context.globals.config, context.cwd);
  const config = file === null ? null : await readConfigFile(file, context.env);
  const types =
    type !== undefined
      ? [type]
      : [
          ...new Set([
            ...builtInConnectors.map((definition) => definition.id),
            ...(config?.envelope.connectors.map((block) => block.type) ?? []),
          ]),
        ];
  const loaded = await context.connectorTypes({
    types,
    configDirectory: file === null ? context.cwd : dirname(file),
    plugins: config?.envelope.plugins ?? [],
  });
  const definitions: ConnectorDefinition<unknown>[] = [];
  for (const wanted of types) {
    const failure = loaded.failures.get(wanted);
    if (failure !== undefined) throw failure;
    const definition = loaded.definitions.get(wanted);
    if (definition === undefined)
      throw new ConfigError(
        `unknown connector type "${wanted}"; known types: ${[...loaded.definitions.keys()].join(', ')} (a type that is not built in comes from its package: install it next to the config file or list it under plugins:)`,
        { details: { type: wanted } },
      );
    definitions.push(definition);
  }
  return definitions;
}

function renderSpecText(definition: ConnectorDefinition<unknown>): string {
  const secretEnv = new Map(definition.secrets.map((secret) => [secret.key, secret.env]));
  const lines = [
    `${definition.id}: ${definition.displayName} (source ${definition.sourceName})`,
    `  ${definition.description}`,
    '',
  ];
  for (const option of describeConfigOptions(definition.configSchema)) {
    const facts = [
      option.type,
      option.required ? 'required' : 'optional',
      ...(option.defaultValue === null ? [] : [`default ${option.defaultValue}`]),
      ...(option.secret || secretEnv.has(option.path)
        ? [`secret, from $${secretEnv.get(option.path) ?? '?'} (or ${option.path}Env)`]
        : []),
    ];
    lines.push(`  ${option.path}  ${facts.join('; ')}`);
    if (option.description) lines.push(`      ${option.description}`);
  }
  return lines.join('\n');
}

export function registerSpecCommand(program: Command, run: CommandRunner): void {
  program
    .command('spec')
    .description(
      "print each connector type's options (--json: JSON Schema, secrets marked, defaults included)",
    )
    .option('--type <connector>', 'only this connector type, e.g. qualys-pcrs')
    .action(async (options: { type?: string }, command: Command) =>
      run(command, async (context) => {
        const definitions = await definitionsFor(context, options.type);
        if (context.json) {
          context.out(JSON.stringify({ connectors: definitions.map(connectorSpec) }));
          return exitCodes.success;
        }
        context.out(definitions.map(renderSpecText).join('\n\n'));
        return exitCodes.success;
      }),
    );
}
