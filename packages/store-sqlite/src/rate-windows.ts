import type { RateWindowKey, RateWindowSnapshot, RateWindowStore } from '@posturesync/core';
import type Database from 'better-sqlite3';

interface RateWindowRow {
  starts: string;
  limit_requests: number | null;
  limit_per_ms: number | null;
  paused_until: number | null;
}

/** Most starts kept per window: far above any real limit, it bounds a corrupt or hostile row. */
const maxStoredStarts = 10_000;

/**
 * The `rate_windows` table: one row per API and subscription, overwritten by each save (a save
 * carries the whole window). Reads tolerate a damaged row by ignoring it: a lost window only
 * costs a throttle answer, never data.
 */
export class SqliteRateWindowStore implements RateWindowStore {
  readonly #select: Database.Statement<[string, string]>;
  readonly #upsert: Database.Statement<
    [string, string, string, number | null, number | null, number | null, string]
  > | null;

  constructor(database: Database.Database, readonly: boolean) {
    this.#select = database.prepare(
      'SELECT starts, limit_requests, limit_per_ms, paused_until FROM rate_windows WHERE api = ? AND subscription = ?',
    );
    this.#upsert = readonly
      ? null
      : database.prepare(
          `INSERT INTO rate_windows (api, subscription, starts, limit_requests, limit_per_ms, paused_until, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (api, subscription) DO UPDATE SET starts = excluded.starts,
             limit_requests = excluded.limit_requests, limit_per_ms = excluded.limit_per_ms,
             paused_until = excluded.paused_until, updated_at = excluded.updated_at`,
        );
  }

  load(key: RateWindowKey): RateWindowSnapshot | null {
    const row = this.#select.get(key.api, key.subscription) as RateWindowRow | undefined;
    if (!row) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.starts);
    } catch {
      return null;
    }
    const starts = Array.isArray(parsed)
      ? parsed.filter((time): time is number => typeof time === 'number' && Number.isFinite(time))
      : [];
    const limit =
      row.limit_requests !== null &&
      row.limit_per_ms !== null &&
      row.limit_requests >= 1 &&
      row.limit_per_ms > 0
        ? { requests: row.limit_requests, perMs: row.limit_per_ms }
        : null;
    return { starts: starts.slice(-maxStoredStarts), limit, pausedUntil: row.paused_until };
  }

  save(key: RateWindowKey, snapshot: RateWindowSnapshot): void {
    if (!this.#upsert) return;
    const starts = snapshot.starts.slice(-maxStoredStarts).map((time) => Math.round(time));
    this.#upsert.run(
      key.api,
      key.subscription,
      JSON.stringify(starts),
      snapshot.limit ? Math.round(snapshot.limit.requests) : null,
      snapshot.limit ? Math.round(snapshot.limit.perMs) : null,
      snapshot.pausedUntil === null ? null : Math.round(snapshot.pausedUntil),
      new Date().toISOString(),
    );
  }
}
