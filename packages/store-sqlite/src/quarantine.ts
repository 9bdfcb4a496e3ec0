import {
  type QuarantineInput,
  type QuarantineQuery,
  type QuarantineRecord,
  type QuarantineRow,
  quarantineFromRow,
} from '@posturesync/engine';
import type Database from 'better-sqlite3';

/** Quarantined input can be anything a connector produced: BigInts and cycles must not fail the batch. */
export function quarantineJson(value: unknown): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === 'bigint' ? inner.toString() : inner,
    );
  } catch (error) {
    return JSON.stringify({
      unserializable: String(value),
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** Rejected records with the reason, kept for `posturesync` users to inspect (`quarantine`). */
export class Quarantine {
  readonly #db: Database.Database;
  #insert: Database.Statement<[number, string, string, string, string, string | null, string]> | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Call inside a transaction. */
  insert(rows: readonly QuarantineInput[], createdAt: string): number {
    if (rows.length === 0) return 0;
    this.#insert ??= this.#db.prepare(
      `INSERT INTO quarantine (run_id, connector_instance, entity, position, reason, raw, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const row of rows) {
      this.#insert.run(
        row.runId,
        row.instance,
        row.entity,
        row.position,
        row.reason,
        quarantineJson(row.raw),
        createdAt,
      );
    }
    return rows.length;
  }

  list(query: QuarantineQuery): QuarantineRecord[] {
    const rows = this.#db
      .prepare(
        `SELECT * FROM quarantine WHERE (? IS NULL OR run_id = ?) AND (? IS NULL OR connector_instance = ?)
         ORDER BY id LIMIT ?`,
      )
      .all(
        query.runId ?? null,
        query.runId ?? null,
        query.instance ?? null,
        query.instance ?? null,
        query.limit ?? 1000,
      ) as QuarantineRow[];
    return rows.map(quarantineFromRow);
  }
}
