import type { Transform } from 'node:stream';

/**
 * Bounds on one response body as a whole (issue 13). The undici body timeout only bounds the
 * silence between two chunks, so a server that drips a byte a minute, or streams without end,
 * would hold a sync forever or fill the disk. These bound the total time from the response
 * headers to the end of the body, and the total bytes.
 */
export interface ResponseLimits {
  /** Longest time a body may take from headers to its last byte (default 4 hours). */
  maxTotalMs: number;
  /** Most bytes a body may have (default 32 GiB, far above any real report or posture page). */
  maxBytes: number;
}

export const defaultResponseLimits: Readonly<ResponseLimits> = Object.freeze({
  maxTotalMs: 4 * 60 * 60 * 1000,
  maxBytes: 32 * 1024 ** 3,
});

export interface ResponseWatch {
  /** Counts received bytes; returns the error to fail the body with once over the size limit. */
  received(bytes: number): Error | null;
  /** Stops the clock (the body ended, failed or was discarded). */
  stop(): void;
}

/**
 * Starts the clock on a response body: when `maxTotalMs` passes before the body ends, the body
 * is destroyed with `tooSlow()`; `received` reports `tooLarge()` once `maxBytes` is passed.
 */
export function watchResponse(
  body: Transform,
  limits: ResponseLimits,
  errors: { tooSlow: (limitMs: number) => Error; tooLarge: (limitBytes: number) => Error },
): ResponseWatch {
  let total = 0;
  const timer = setTimeout(() => {
    if (!body.destroyed) body.destroy(errors.tooSlow(limits.maxTotalMs));
  }, limits.maxTotalMs);
  // A pending deadline must not keep the process alive on its own.
  timer.unref();
  const stop = () => clearTimeout(timer);
  body.once('close', stop);
  body.once('end', stop);
  return {
    received(bytes) {
      total += bytes;
      return total > limits.maxBytes ? errors.tooLarge(limits.maxBytes) : null;
    },
    stop,
  };
}
