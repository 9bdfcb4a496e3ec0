import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '@posturesync/core';

export const defaultConfigNames = [
  'posturesync.config.yaml',
  'posturesync.config.yml',
  'posturesync.config.json',
];

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The config file to use: `--config` when given (it must exist), otherwise the first of
 * the default names present in the working directory. Returns null when none exists and
 * none was asked for, so commands that can work without a config (status, history) may.
 */
export async function findConfigFile(explicit: string | undefined, cwd: string): Promise<string | null> {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!(await exists(path)))
      throw new ConfigError(
        `config file ${path} not found; check the --config path, or create one with \`posturesync init --config ${explicit}\``,
        { details: { file: path } },
      );
    return path;
  }
  for (const name of defaultConfigNames) {
    const path = resolve(cwd, name);
    if (await exists(path)) return path;
  }
  return null;
}

export function missingConfigError(cwd: string): ConfigError {
  return new ConfigError(
    `no config file found in ${cwd} (looked for ${defaultConfigNames.join(', ')}); create one with \`posturesync init\`, pass --config <path>, or try \`posturesync demo\``,
    { details: { cwd, looked: defaultConfigNames } },
  );
}
