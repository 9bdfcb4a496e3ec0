import type { SyncMeasurement } from './result-types.ts';
import type { SimulatorHandle } from './simulator-handle.ts';
import type { SyncJobInput } from './sync-worker.ts';

/** What a scenario module gets from the harness. */
export interface ScenarioRunOptions {
  log: (line: string) => void;
  keep: boolean;
  /** One measured sync in its own process, as the harness runs every sync. */
  sync: (label: string, simulator: SimulatorHandle, input: SyncJobInput) => Promise<SyncMeasurement>;
}
