import type { RateLimit } from './types.ts';

/**
 * Whose rate window this is: one API of one subscription. Never a secret: the API's URL (or a
 * name for it) and the user name are enough to tell subscriptions apart.
 */
export interface RateWindowKey {
  /** E.g. the gateway or API base URL. */
  api: string;
  /** E.g. the user name the connector logs in with. */
  subscription: string;
}

/** What a client knows about a server's rate window, in milliseconds since the epoch. */
export interface RateWindowSnapshot {
  /** Recent call starts, oldest first (may include reserved future starts, see the recorder). */
  starts: number[];
  /** The limit the client was using when it saved (configured, announced or learned), or null. */
  limit: RateLimit | null;
  /** The server asked every call to wait until then, or null. */
  pausedUntil: number | null;
}

/**
 * Keeps a client's rate window between processes, so the next process (a resumed run, a `check`
 * right after a sync) starts from the real window instead of an empty one. The HTTP client knows
 * only this interface; the SQLite store implements it. Both methods are synchronous and must be
 * cheap: the client calls `save` at most about once a second while it makes calls.
 */
export interface RateWindowStore {
  load(key: RateWindowKey): RateWindowSnapshot | null;
  save(key: RateWindowKey, snapshot: RateWindowSnapshot): void;
}
