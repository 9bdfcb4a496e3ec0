import type { Environment } from './resolve-connector.ts';

/**
 * `${NAME}` and `${NAME:-default}` in config values, read from the environment when the config
 * is loaded (never written back to the file). `:-` takes the default when the variable is
 * unset or empty, as a POSIX shell does; `$${` writes a literal `${`. Anything else (`$NAME`,
 * a lone `$`) is left as it is, so existing values with a dollar sign keep their meaning.
 */
const reference = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?/g;

/** A value that is exactly one `${NAME}`: how a secret key may name its environment variable. */
const wholeReference = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

export function wholeVariableReference(value: unknown): string | null {
  return typeof value === 'string' ? (wholeReference.exec(value)?.[1] ?? null) : null;
}

/**
 * Replaces the references in one string. Problems (an unset variable without a default, a
 * malformed reference) are pushed as printable lines naming `where`; the values of variables
 * never appear in them.
 */
export function interpolateString(text: string, env: Environment, where: string, problems: string[]): string {
  if (!text.includes('$')) return text;
  return text.replace(reference, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    if (name === undefined) {
      problems.push(
        `${where}: "${match.length > 40 ? `${match.slice(0, 40)}…` : match}" is not a valid reference; write \${NAME} or \${NAME:-default} (NAME: letters, digits, underscores), or $\${ for a literal \${`,
      );
      return match;
    }
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    problems.push(
      `${where}: the environment variable ${name} is not set; set it (export ${name}=...) or give a default: \${${name}:-value}`,
    );
    return match;
  });
}

/** Interpolates every string inside `value` (objects and arrays walked), keys left alone. */
export function interpolateValue(
  value: unknown,
  env: Environment,
  where: string,
  problems: string[],
): unknown {
  if (typeof value === 'string') return interpolateString(value, env, where, problems);
  if (Array.isArray(value))
    return value.map((item, index) => interpolateValue(item, env, `${where}[${index}]`, problems));
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = interpolateValue(item, env, `${where}.${key}`, problems);
    }
    return result;
  }
  return value;
}
