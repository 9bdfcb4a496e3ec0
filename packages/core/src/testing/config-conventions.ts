import type { z } from 'zod';
import { describeConfigOptions } from '../connector/config-options.ts';
import type { ConnectorDefinition } from '../connector/connector.ts';

/**
 * Checks the conventions that keep a connector's options table complete and its secrets
 * out of config files. Returns one sentence per problem (empty when all is well).
 */
export function configConventionProblems(definition: ConnectorDefinition<unknown>): string[] {
  const problems: string[] = [];
  const options = describeConfigOptions(definition.configSchema as z.ZodType);
  if (options.length === 0) {
    problems.push(`${definition.id}: configSchema must be a z.object(...) with at least one option`);
    return problems;
  }
  for (const option of options) {
    if (!option.description) {
      problems.push(
        `option "${option.path}" has no description: add .describe('...') so the options table explains it`,
      );
    }
  }
  const secretPaths = new Set(options.filter((option) => option.secret).map((option) => option.path));
  const optionPaths = new Set(options.map((option) => option.path));
  const declared = new Set<string>();
  for (const secret of definition.secrets) {
    declared.add(secret.key);
    if (!optionPaths.has(secret.key)) {
      problems.push(`secrets lists "${secret.key}" but the config schema has no such option`);
    } else if (!secretPaths.has(secret.key)) {
      problems.push(
        `option "${secret.key}" is a declared secret: mark it .meta({ secret: true, description }) or put "Secret:" in its description`,
      );
    }
    if (!/^[A-Z][A-Z0-9_]*$/.test(secret.env)) {
      problems.push(
        `secret "${secret.key}" reads env "${secret.env}": use an UPPER_SNAKE_CASE variable name`,
      );
    }
    if (secret.description.trim() === '') problems.push(`secret "${secret.key}" has no description`);
  }
  for (const path of secretPaths) {
    if (!declared.has(path)) {
      problems.push(
        `option "${path}" is marked secret but missing from definition.secrets (which names its env)`,
      );
    }
  }
  return problems;
}

/** `path: message` lines for a failed parse, the way a user reads them. */
export function configIssueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${path || '(config)'}: ${issue.message}`;
  });
}
