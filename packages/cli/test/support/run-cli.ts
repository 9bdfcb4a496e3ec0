import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { runCli } from '../../src/cli.ts';
import type { RunCliOptions } from '../../src/context.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output. */
export async function invoke(argv: string[], options: RunCliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: {},
    ...options,
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk), columns: 120 },
  });
  return { code, stdout, stderr };
}

const directories: string[] = [];

/** A temporary working directory, removed after the test. */
export function tempDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'posturesync-cli-'));
  directories.push(directory);
  return directory;
}

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});
