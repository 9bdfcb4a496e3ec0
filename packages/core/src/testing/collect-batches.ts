import type { Connector, ReadRequest, RecordBatch } from '../connector/connector.ts';

/** A first, incremental read: no state, not full, not forced. */
export function firstReadRequest(overrides: Partial<ReadRequest> = {}): ReadRequest {
  return { state: null, full: false, force: false, runStartedAt: new Date().toISOString(), ...overrides };
}

/** Drains `connector.read(request)` into an array (keep test estates small). */
export async function collectBatches(
  connector: Connector,
  request: ReadRequest = firstReadRequest(),
): Promise<RecordBatch[]> {
  const batches: RecordBatch[] = [];
  for await (const batch of connector.read(request)) batches.push(batch);
  return batches;
}
