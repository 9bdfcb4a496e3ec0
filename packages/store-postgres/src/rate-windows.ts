import type { RateWindowKey, RateWindowSnapshot, RateWindowStore } from '@posturesync/core';
import type { ClientBase } from 'pg';
import { postgresText } from './copy-rows.ts';

/** Most starts kept per window: far above any real limit, it bounds a corrupt or hostile row. */
const maxStoredStarts = 10_000;

export interface RateWindowRow {
  api: string;
  subscription: string;
  starts: string;
  limit_requests: number | null;
  limit_per_ms: number | null;
  paused_until: number | null;
}

export type SaveRateWindow = (
  key: RateWindowKey,
  snapshot: RateWindowSnapshot,
  updatedAt: string,
) => Promise<void>;

function keyOf(key: RateWindowKey): string {
  return `${key.api}\u0000${key.subscription}`;
}

/** A stored row as a snapshot, or null for a damaged one (a lost window only costs a throttle answer). */
export function snapshotFromRow(row: RateWindowRow): RateWindowSnapshot | null {
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

/**
 * The HTTP client's `RateWindowStore` is synchronous (it is called on the request path), and a
 * PostgreSQL round trip is not: the windows are loaded into memory when the store opens, `load`
 * answers from memory, and `save` updates memory and writes through in the background, one write
 * at a time and only the newest snapshot per key. A failed write is remembered for `flush()`
 * (the store logs nothing itself) and never thrown into the HTTP client.
 */
export class PostgresRateWindowStore implements RateWindowStore {
  readonly #windows = new Map<string, RateWindowSnapshot>();
  readonly #pending = new Map<string, { key: RateWindowKey; snapshot: RateWindowSnapshot }>();
  readonly #write: SaveRateWindow | null;
  #writing: Promise<void> | null = null;
  #lastError: unknown = null;

  constructor(rows: readonly RateWindowRow[], write: SaveRateWindow | null) {
    for (const row of rows) {
      const snapshot = snapshotFromRow(row);
      if (snapshot) this.#windows.set(keyOf(row), snapshot);
    }
    this.#write = write;
  }

  load(key: RateWindowKey): RateWindowSnapshot | null {
    const snapshot = this.#windows.get(keyOf(key));
    return snapshot ? { ...snapshot, starts: [...snapshot.starts] } : null;
  }

  save(key: RateWindowKey, snapshot: RateWindowSnapshot): void {
    const stored: RateWindowSnapshot = {
      starts: snapshot.starts.slice(-maxStoredStarts).map((time) => Math.round(time)),
      limit: snapshot.limit
        ? { requests: Math.round(snapshot.limit.requests), perMs: Math.round(snapshot.limit.perMs) }
        : null,
      pausedUntil: snapshot.pausedUntil === null ? null : Math.round(snapshot.pausedUntil),
    };
    this.#windows.set(keyOf(key), stored);
    if (!this.#write) return;
    this.#pending.set(keyOf(key), { key, snapshot: stored });
    this.#writing ??= this.#drain();
  }

  async #drain(): Promise<void> {
    const write = this.#write as SaveRateWindow;
    try {
      while (this.#pending.size > 0) {
        const [id, entry] = this.#pending.entries().next().value as [
          string,
          { key: RateWindowKey; snapshot: RateWindowSnapshot },
        ];
        this.#pending.delete(id);
        try {
          await write(entry.key, entry.snapshot, new Date().toISOString());
        } catch (error) {
          this.#lastError = error;
        }
      }
    } finally {
      this.#writing = null;
    }
  }

  /** Waits for the writes in flight; returns the last write error since the previous flush, if any. */
  async flush(): Promise<unknown> {
    while (this.#writing) await this.#writing;
    const error = this.#lastError;
    this.#lastError = null;
    return error;
  }
}

/** One window's row, overwritten by each save (a save carries the whole window). */
export async function saveRateWindow(
  client: ClientBase,
  key: RateWindowKey,
  snapshot: RateWindowSnapshot,
  updatedAt: string,
): Promise<void> {
  await client.query(
    `INSERT INTO rate_windows (api, subscription, starts, limit_requests, limit_per_ms, paused_until, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (api, subscription) DO UPDATE SET starts = excluded.starts,
       limit_requests = excluded.limit_requests, limit_per_ms = excluded.limit_per_ms,
       paused_until = excluded.paused_until, updated_at = excluded.updated_at`,
    [
      postgresText(key.api),
      postgresText(key.subscription),
      JSON.stringify(snapshot.starts),
      snapshot.limit?.requests ?? null,
      snapshot.limit?.perMs ?? null,
      snapshot.pausedUntil,
      updatedAt,
    ],
  );
}
