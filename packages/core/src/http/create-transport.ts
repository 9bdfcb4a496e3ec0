import { type Dispatcher, Pool } from 'undici';
import type { HttpTimeouts } from './types.ts';

/**
 * The client's connection pool to `origin`, unless the caller gives a dispatcher (a proxy agent,
 * undici's MockAgent): the client closes a pool it made, never a dispatcher it was given.
 */
export function createTransport(options: {
  origin: string;
  dispatcher: Dispatcher | undefined;
  maxConcurrency: number;
  timeouts: HttpTimeouts;
  rejectUnauthorized: boolean;
}): { transport: Dispatcher; ownsTransport: boolean } {
  if (options.dispatcher !== undefined) return { transport: options.dispatcher, ownsTransport: false };
  const { timeouts } = options;
  const transport = new Pool(options.origin, {
    // One spare connection so calls exempt from the limiters (the login) never queue behind them.
    connections: options.maxConcurrency + 1,
    keepAliveTimeout: 10_000,
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    connect: { timeout: timeouts.connectMs, rejectUnauthorized: options.rejectUnauthorized },
  });
  return { transport, ownsTransport: true };
}
