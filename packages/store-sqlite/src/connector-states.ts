import type { StoredState, SyncState } from '@posturesync/engine';
import type Database from 'better-sqlite3';

/** Parses a stored state, filling fields older versions did not write. */
export function parseState(text: string): SyncState {
  const parsed = JSON.parse(text) as Partial<SyncState>;
  return {
    generation: parsed.generation ?? 0,
    inProgress: parsed.inProgress ?? false,
    runId: parsed.runId ?? null,
    connector: parsed.connector ?? null,
    pendingScopes: parsed.pendingScopes ?? [],
    warningCount: parsed.warningCount ?? 0,
    tainted: parsed.tainted ?? { all: false, policies: [] },
    deferredScopes: parsed.deferredScopes ?? [],
  };
}

/** The engine's per-instance checkpoint (`connector_state`). */
export class ConnectorStates {
  readonly #db: Database.Database;
  #put: Database.Statement<[string, string, string, number | null, string]> | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  get(instance: string): SyncState | null {
    const row = this.#db.prepare('SELECT state FROM connector_state WHERE instance = ?').get(instance) as
      | { state: string }
      | undefined;
    return row ? parseState(row.state) : null;
  }

  list(): StoredState[] {
    const rows = this.#db
      .prepare(
        'SELECT instance, connector_id, run_id, updated_at, state FROM connector_state ORDER BY instance',
      )
      .all() as Array<{
      instance: string;
      connector_id: string;
      run_id: number | null;
      updated_at: string;
      state: string;
    }>;
    return rows.map((row) => ({
      instance: row.instance,
      connectorId: row.connector_id,
      runId: row.run_id,
      updatedAt: row.updated_at,
      state: parseState(row.state),
    }));
  }

  delete(instance: string): boolean {
    return this.#db.prepare('DELETE FROM connector_state WHERE instance = ?').run(instance).changes > 0;
  }

  put(instance: string, connectorId: string, state: SyncState, now: string): void {
    this.#put ??= this.#db.prepare(
      `INSERT INTO connector_state (instance, connector_id, state, run_id, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (instance) DO UPDATE SET connector_id = excluded.connector_id, state = excluded.state,
         run_id = excluded.run_id, updated_at = excluded.updated_at`,
    );
    this.#put.run(instance, connectorId, JSON.stringify(state), state.runId, now);
  }
}
