import {
  parseState,
  type StoredState,
  type StoredStateRow,
  type SyncState,
  storedStateFromRow,
} from '@posturesync/engine';
import type Database from 'better-sqlite3';

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
      .all() as StoredStateRow[];
    return rows.map(storedStateFromRow);
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
