import type { ChildProcess } from 'node:child_process';
import { BenchmarkError } from './benchmark-error.ts';
import { forkScript } from './child-process.ts';
import type { ProxyMode } from './recording-proxy.ts';
import type {
  SimulatorCommand,
  SimulatorProcessInput,
  SimulatorReady,
  SimulatorSnapshot,
} from './simulator-process.ts';

type CommandWithoutId = SimulatorCommand extends infer C
  ? C extends { id: number }
    ? Omit<C, 'id'>
    : never
  : never;

export interface SimulatorHandle extends Omit<SimulatorReady, 'type'> {
  setMode(mode: ProxyMode): Promise<void>;
  /** Clears counters, CPU time and rate-limit windows. */
  reset(): Promise<void>;
  snapshot(): Promise<SimulatorSnapshot>;
  close(): Promise<void>;
}

/** Starts the simulator in its own process and waits until it listens. */
export async function startSimulatorProcess(input: SimulatorProcessInput): Promise<SimulatorHandle> {
  const child: ChildProcess = forkScript(new URL('./simulator-process.ts', import.meta.url));
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let exited = false;
  const ready = new Promise<SimulatorReady>((resolve, reject) => {
    child.on('message', (message: { type: string; id?: number; payload?: unknown; message?: string }) => {
      if (message.type === 'ready') resolve(message as SimulatorReady);
      else if (message.type === 'error')
        reject(new BenchmarkError(`The simulator failed to start: ${message.message}`));
      else if (message.type === 'reply' && message.id !== undefined) {
        pending.get(message.id)?.resolve(message.payload);
        pending.delete(message.id);
      }
    });
    child.on('exit', (code, signal) => {
      exited = true;
      const error = new BenchmarkError(`The simulator process exited (${signal ?? `code ${code}`}).`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    });
  });
  child.send({ type: 'input', input });
  const started = await ready;

  const command = <T>(message: CommandWithoutId): Promise<T> => {
    if (exited) return Promise.reject(new BenchmarkError('The simulator process is gone.'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: (value) => resolve(value as T), reject });
      child.send({ ...message, id });
    });
  };

  return {
    url: started.url,
    subscriptionId: started.subscriptionId,
    activePolicies: started.activePolicies,
    reportIds: started.reportIds,
    setMode: (mode) => command<void>({ command: 'mode', mode }),
    reset: () => command<void>({ command: 'reset' }),
    snapshot: () => command<SimulatorSnapshot>({ command: 'stats' }),
    close: async () => {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await command<void>({ command: 'close' }).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}
