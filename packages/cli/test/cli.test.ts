import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  AuthError,
  BadResponseError,
  CancelledError,
  ConfigError,
  LockHeldError,
  NotFoundError,
  PermissionError,
  RateLimitedError,
  StoreError,
  TransientError,
} from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import { cliVersion } from '../src/cli.ts';
import { exitCodeForError, exitCodeForErrorCode, exitCodes, worstExitCode } from '../src/exit-codes.ts';
import { installSignalHandlers } from '../src/signals.ts';
import { invoke, tempDirectory } from './support/run-cli.ts';

const run = promisify(execFile);
const binPath = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

describe('help and version', () => {
  it('--help lists the commands, global options and the exit codes', async () => {
    const result = await invoke(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['init', 'check', 'sync', 'status', 'history', 'demo'])
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    for (const option of ['--config <path>', '--db <path>', '--json', '--log-level <level>', '--no-color'])
      expect(result.stdout).toContain(option);
    expect(result.stdout).toContain('Exit codes:');
    expect(result.stdout).toContain('6    another sync holds the database lock');
  });

  it('--version prints the package version', async () => {
    const result = await invoke(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(cliVersion);
    expect(cliVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an unknown command or option is a usage error (exit 2) in the error format', async () => {
    const unknown = await invoke(['synk'], { cwd: tempDirectory() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error [PS_ERR_CONFIG]: unknown command 'synk'");
    expect(unknown.stderr).toContain('Did you mean sync?');
    const badOption = await invoke(['--json', 'history', '--limit', 'many'], { cwd: tempDirectory() });
    expect(badOption.code).toBe(2);
    expect(JSON.parse(badOption.stderr)).toMatchObject({ level: 'error', code: 'PS_ERR_CONFIG' });
  });

  it('runs as a real child process from the TypeScript source', async () => {
    const { stdout } = await run(process.execPath, [binPath, '--help'], { timeout: 20_000 });
    expect(stdout).toContain('Usage: posturesync');
    const version = await run(process.execPath, [binPath, '--version'], { timeout: 20_000 });
    expect(version.stdout.trim()).toBe(cliVersion);
  });

  it('a child process exits with the mapped code on a config error', async () => {
    const cwd = tempDirectory();
    const failure = await run(process.execPath, [binPath, 'sync'], { cwd, timeout: 20_000 }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('error [PS_ERR_CONFIG]: no config file'),
    });
  });
});

describe('exit codes', () => {
  it('map by error code, never by message', () => {
    expect(exitCodeForError(new ConfigError('x'))).toBe(2);
    expect(exitCodeForError(new AuthError('x'))).toBe(3);
    expect(exitCodeForError(new PermissionError('x'))).toBe(3);
    expect(exitCodeForError(new TransientError('auth failed'))).toBe(5);
    expect(exitCodeForError(new BadResponseError('x'))).toBe(5);
    expect(exitCodeForError(new RateLimitedError('x'))).toBe(5);
    expect(exitCodeForError(new StoreError('x'))).toBe(5);
    expect(exitCodeForError(new NotFoundError('x'))).toBe(5);
    expect(exitCodeForError(new LockHeldError('x'))).toBe(6);
    expect(exitCodeForError(new CancelledError())).toBe(130);
    expect(exitCodeForError(new Error('PS_ERR_AUTH'))).toBe(1);
    expect(exitCodeForErrorCode('PS_ERR_UNEXPECTED')).toBe(1);
    expect(exitCodeForErrorCode(null)).toBe(1);
  });

  it('the most serious outcome of several instances wins', () => {
    expect(worstExitCode([])).toBe(0);
    expect(worstExitCode([exitCodes.success, exitCodes.partial])).toBe(4);
    expect(worstExitCode([exitCodes.partial, exitCodes.failed, exitCodes.success])).toBe(5);
    expect(worstExitCode([exitCodes.failed, exitCodes.auth])).toBe(3);
    expect(worstExitCode([exitCodes.auth, exitCodes.lockHeld])).toBe(6);
    expect(worstExitCode([exitCodes.lockHeld, exitCodes.cancelled])).toBe(130);
  });
});

describe('signals', () => {
  it('the first Ctrl-C aborts the signal, the second exits with 130', () => {
    const handlers = new Map<string, () => void>();
    const source = {
      on: (signal: string, handler: () => void) => handlers.set(signal, handler),
      off: (signal: string) => handlers.delete(signal),
    };
    const controller = new AbortController();
    const exits: number[] = [];
    const notes: string[] = [];
    const remove = installSignalHandlers({
      controller,
      notify: (message) => notes.push(message),
      exit: (code) => exits.push(code),
      source,
    });
    handlers.get('SIGINT')?.();
    expect(controller.signal.aborted).toBe(true);
    expect(exits).toEqual([]);
    expect(notes[0]).toContain('after the current batch');
    handlers.get('SIGTERM')?.();
    expect(exits).toEqual([130]);
    remove();
    expect(handlers.size).toBe(0);
  });
});
