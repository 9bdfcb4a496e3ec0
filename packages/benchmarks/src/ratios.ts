/**
 * Floor ratio: how close end-to-end throughput comes to the floor (the time to only decode,
 * parse and bare-insert the same bytes and rows). 1.0 means as fast as the floor; 0.5 means
 * twice the floor's time. Same records on both sides, so it is floor time / end-to-end time.
 */
export function floorRatio(floorMs: number, endToEndMs: number): number {
  if (!(endToEndMs > 0) || !(floorMs >= 0)) return 0;
  return floorMs / endToEndMs;
}

export function recordsPerSecond(records: number, ms: number): number {
  return ms > 0 ? (records * 1000) / ms : 0;
}

/** Peak RSS at the large scale over peak RSS at the small scale (flat memory means close to 1). */
export function memoryRatio(largePeakBytes: number, smallPeakBytes: number): number {
  return smallPeakBytes > 0 ? largePeakBytes / smallPeakBytes : 0;
}

export interface RateLimitModel {
  /** Requests counted against the limit. */
  requests: number;
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
  /** Wall time of the same sync with no rate limit at all. */
  unthrottledMs: number;
}

/**
 * The least wall time a sync of `requests` calls can take under "at most `limit` calls in any
 * `windowMs`": the last call cannot start before (ceil(n / limit) - 1) windows have passed, and
 * the work of the last window's calls still has to be done after that (estimated as their share
 * of the unthrottled run). Never less than the unthrottled run itself.
 */
export function rateLimitMinimumMs(model: RateLimitModel): number {
  const { requests, limit, windowMs, unthrottledMs } = model;
  if (requests <= 0 || limit <= 0) return unthrottledMs;
  const windows = Math.ceil(requests / limit);
  const lastWindowCalls = requests - (windows - 1) * limit;
  const tail = unthrottledMs * (lastWindowCalls / requests);
  return Math.max(unthrottledMs, (windows - 1) * windowMs + tail);
}
