import type pg from 'pg';
import type { Query } from './read-models.ts';
import { storeFailure } from './store-failure.ts';

export type OnClient = <T>(fn: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

/**
 * Runs `fn` on a pooled connection. A database failure becomes a StoreError naming `location`
 * (store-failure.ts) and the connection is discarded rather than returned to the pool.
 */
export function readOn(pool: pg.Pool, location: string): OnClient {
  return async (fn) => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw storeFailure(error, location, 'read') ?? error;
    }
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (error) {
      const failure = storeFailure(error, location, 'read');
      if (failure) broken = error as Error;
      throw failure ?? error;
    } finally {
      client.release(broken);
    }
  };
}

/** Runs `fn` in ONE transaction on a pooled connection: all of it commits, or none of it. */
export function transactionOn(pool: pg.Pool, location: string): OnClient {
  return async (fn) => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw storeFailure(error, location, 'write') ?? error;
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      const failure = storeFailure(error, location, 'write');
      if (failure) broken ??= error as Error;
      throw failure ?? error;
    } finally {
      client.release(broken);
    }
  };
}

/** One statement's rows, through `readOn`. */
export function queryOn(read: OnClient): Query {
  return async (sql, params = []) => await read(async (client) => (await client.query(sql, params)).rows);
}
