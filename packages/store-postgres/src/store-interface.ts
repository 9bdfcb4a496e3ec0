/**
 * The engine's store types this package implements that `@posturesync/core` does not export
 * yet (they arrive with `@posturesync/engine`). Kept in one file so the switch is one import.
 */
import type { CompletedScope, FinishRunInput, SyncState } from '@posturesync/core';

export interface FinishGenerationInput {
  instance: string;
  connectorId: string;
  runId: number;
  now: string;
  closeScopes: ReadonlyArray<{ generation: number; scopes: readonly CompletedScope[] }>;
  state: SyncState;
  finish: Omit<FinishRunInput, 'closed'>;
}

export interface QuarantineQuery {
  runId?: number;
  instance?: string;
  limit?: number;
}

export interface RunHistoryQuery {
  instance?: string;
  limit?: number;
}

export interface RelationRows {
  columns: readonly string[];
  rows: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>;
}
