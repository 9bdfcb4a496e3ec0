import { type ConnectorDefinition, isInsecureHttpUrl, type SecretRedactor } from '@posturesync/core';
import type { z } from 'zod';
import type { ConnectorBlock } from './config-envelope.ts';
import { formatIssues } from './format-issues.ts';
import { interpolateValue, wholeVariableReference } from './interpolate.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

/** A connector block that passed its definition's schema, secrets filled in from the environment. */
export interface ResolvedConnector {
  /** The instance name (`name:` in the file). */
  name: string;
  type: string;
  definition: ConnectorDefinition<unknown>;
  /** The parsed config, as the definition's schema returned it. Holds secrets: never print it. */
  config: unknown;
  /** Secret key -> the environment variable it was read from. */
  secretEnv: Record<string, string>;
  /** True when the block turns TLS certificate verification off. */
  tlsVerifyDisabled: boolean;
  /** A plain http:// URL to another machine the block allowed with `allowInsecureHttp: true`, else null. */
  insecureHttpUrl: string | null;
}

const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function connectorLabel(index: number, name: unknown): string {
  return typeof name === 'string' && name !== '' ? `connectors[${index}] (${name})` : `connectors[${index}]`;
}

/** Keys a connector schema declares, when it is a plain object schema (used to catch typos). */
function declaredKeys(schema: z.ZodType): Set<string> | null {
  const shape = (schema as { shape?: unknown }).shape;
  return shape && typeof shape === 'object' ? new Set(Object.keys(shape)) : null;
}

/**
 * Validates one connector block. Secrets must come from the environment: a secret written
 * in the file is rejected, `<key>Env` names a custom variable, otherwise the definition's
 * default variable is used. Returns problems as printable lines (never holding secrets).
 */
export function resolveConnectorBlock(
  block: ConnectorBlock,
  index: number,
  options: {
    registry: ReadonlyMap<string, ConnectorDefinition<unknown>>;
    env: Environment;
    redactor: SecretRedactor;
  },
): { connector: ResolvedConnector | null; problems: string[] } {
  const label = connectorLabel(index, block.name);
  const definition = options.registry.get(block.type);
  if (!definition) {
    const known = [...options.registry.keys()].join(', ') || '(none installed)';
    return {
      connector: null,
      problems: [`${label}.type: unknown connector type "${block.type}"; known types: ${known}`],
    };
  }

  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  // Values may say ${NAME} or ${NAME:-default}: filled in from the environment here.
  const secretKeys = new Set(definition.secrets.map((secret) => secret.key));
  const envKeys = new Set(definition.secrets.map((secret) => `${secret.key}Env`));
  for (const [key, value] of Object.entries(block)) {
    if (key === 'name' || key === 'type' || envKeys.has(key)) continue;
    if (secretKeys.has(key)) continue;
    config[key] = interpolateValue(value, options.env, `${label}.${key}`, problems);
  }

  const secretEnv: Record<string, string> = {};
  const missingSecrets = new Set<string>();
  for (const secret of definition.secrets) {
    let written = block[secret.key];
    let customEnv = block[`${secret.key}Env`];
    // `password: ${MY_VAR}` names the variable to read, like `passwordEnv: MY_VAR`: the value
    // still comes only from the environment and never sits in the file.
    const referenced = wholeVariableReference(written);
    if (referenced !== null && customEnv === undefined) {
      customEnv = referenced;
      written = undefined;
    }
    let envName = secret.env;
    if (customEnv !== undefined) {
      if (typeof customEnv !== 'string' || !envNamePattern.test(customEnv)) {
        problems.push(
          `${label}.${secret.key}Env: expected the name of an environment variable (letters, digits, underscores), e.g. ${secret.env}`,
        );
        continue;
      }
      envName = customEnv;
    }
    if (written !== undefined) {
      if (typeof written === 'string') options.redactor.add(written);
      problems.push(
        `${label}.${secret.key}: secrets must not be written in the config file; delete this key and set the environment variable ${envName} instead${customEnv === undefined ? ` (or name another variable with ${secret.key}Env)` : ''}`,
      );
      missingSecrets.add(secret.key);
      continue;
    }
    const value = options.env[envName];
    if (value === undefined || value === '') {
      problems.push(
        `${label}.${secret.key}: connector instance "${block.name}" needs its ${secret.key} in the environment variable ${envName}, which is not set; set it before running posturesync, e.g. export ${envName}="<${secret.key}>"`,
      );
      missingSecrets.add(secret.key);
      continue;
    }
    options.redactor.add(value);
    if (typeof config.username === 'string') options.redactor.addBasicCredentials(config.username, value);
    config[secret.key] = value;
    secretEnv[secret.key] = envName;
  }

  const known = declaredKeys(definition.configSchema);
  if (known) {
    for (const key of Object.keys(config)) {
      if (!known.has(key))
        problems.push(
          `${label}.${key}: unknown option for connector type ${definition.id} (known options: ${[...known].filter((k) => !secretKeys.has(k)).join(', ')})`,
        );
    }
  }

  const parsed = definition.configSchema.safeParse(config, { reportInput: true });
  if (!parsed.success) {
    const issues = parsed.error.issues.filter(
      (issue) => !(issue.path.length > 0 && missingSecrets.has(String(issue.path[0]))),
    );
    problems.push(
      ...formatIssues(issues, label, (path) => path.length > 0 && secretKeys.has(String(path[0]))).map(
        (line) => options.redactor.redact(line),
      ),
    );
  }
  if (problems.length > 0 || !parsed.success) return { connector: null, problems };

  const tlsVerify = (parsed.data as { tlsVerify?: unknown } | null)?.tlsVerify;
  return {
    connector: {
      name: block.name,
      type: block.type,
      definition,
      config: parsed.data,
      secretEnv,
      tlsVerifyDisabled: tlsVerify === false || block.tlsVerify === false,
      insecureHttpUrl: insecureHttpUrlOf(parsed.data),
    },
    problems,
  };
}

/** The first top-level URL value that is plain http:// to another machine (the connector allowed it). */
function insecureHttpUrlOf(config: unknown): string | null {
  if (config === null || typeof config !== 'object') return null;
  for (const value of Object.values(config)) {
    if (typeof value === 'string' && isInsecureHttpUrl(value)) return value;
  }
  return null;
}
