import { type ChildProcess, fork } from 'node:child_process';
import { BenchmarkError } from './benchmark-error.ts';

/** Messages a benchmark child sends back over IPC. */
export type ChildReply<T> =
  | { type: 'result'; result: T }
  | { type: 'error'; message: string; stack?: string };

export interface ForkOptions {
  /** Extra Node flags for the child, e.g. `--cpu-prof`. */
  execArgv?: readonly string[];
  /** Kill the child after this long. Default 30 minutes. */
  timeoutMs?: number;
  /** Extra environment variables for the child (e.g. `MALLOC_ARENA_MAX`). */
  env?: Readonly<Record<string, string>>;
}

/** Forks a `.ts` entry on this same Node (24 strips types), quiet unless it fails. */
export function forkScript(script: URL, options: ForkOptions = {}): ChildProcess {
  return fork(script, [], {
    execPath: process.execPath,
    // The parent may run under vitest; its loader flags must not leak into the measured child.
    execArgv: ['--disable-warning=ExperimentalWarning', ...(options.execArgv ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
}

/**
 * Runs one job in a fresh child process and resolves with its result. A fresh process per
 * measurement means its peak RSS and CPU time are the job's own.
 */
export function runChild<TInput, TResult>(
  script: URL,
  input: TInput,
  options: ForkOptions = {},
): Promise<TResult> {
  const child = forkScript(script, options);
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  return new Promise<TResult>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, result?: TResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        if (child.exitCode === null) child.kill('SIGKILL');
        reject(error);
      } else resolve(result as TResult);
    };
    const timer = setTimeout(
      () =>
        finish(
          new BenchmarkError(`${script.pathname} did not finish within ${timeoutMs / 1000} s; killed it.`),
        ),
      timeoutMs,
    );
    child.on('message', (message: ChildReply<TResult>) => {
      if (message.type === 'result') finish(null, message.result);
      else
        finish(new BenchmarkError(`${script.pathname} failed: ${message.message}\n${message.stack ?? ''}`));
    });
    child.on('error', (error) => finish(error));
    child.on('exit', (code, signal) => {
      finish(
        new BenchmarkError(
          `${script.pathname} exited (${signal ?? `code ${code}`}) before reporting a result.`,
        ),
      );
    });
    child.send({ type: 'input', input });
  });
}

/** The child side of `runChild`: waits for its input, runs `job`, reports and exits. */
export function serveChildJob<TInput, TResult>(job: (input: TInput) => Promise<TResult>): void {
  process.once('message', (message: { type: 'input'; input: TInput }) => {
    job(message.input).then(
      (result) => {
        process.send?.({ type: 'result', result } satisfies ChildReply<TResult>, () => process.exit(0));
      },
      (error: unknown) => {
        const reply: ChildReply<TResult> = {
          type: 'error',
          message: error instanceof Error ? error.message : String(error),
          ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
        };
        process.send?.(reply, () => process.exit(1));
      },
    );
  });
}
