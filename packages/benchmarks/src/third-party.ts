import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The floors must use the very libraries the product uses. better-sqlite3 is this package's own
 * dependency; saxes and csv-parse are resolved from @posturesync/qualys-pc-report, so the floor
 * runs the exact versions the connector runs without a second copy in the lockfile. Only the
 * few members the floors call are typed here.
 */

export interface SqliteStatement {
  run(...values: unknown[]): unknown;
  all(...values: unknown[]): unknown[];
  get(...values: unknown[]): unknown;
}

export interface SqliteDatabase {
  pragma(source: string): unknown;
  exec(source: string): void;
  prepare(source: string): SqliteStatement;
  transaction<A extends unknown[]>(run: (...args: A) => void): (...args: A) => void;
  close(): void;
}

export type SqliteConstructor = new (path: string, options?: { readonly?: boolean }) => SqliteDatabase;

export interface SaxesLikeParser {
  on(event: 'opentag' | 'closetag', handler: (tag: { name: string }) => void): void;
  on(event: 'text' | 'cdata', handler: (text: string) => void): void;
  on(event: 'error', handler: (error: Error) => void): void;
  write(chunk: string): unknown;
  close(): unknown;
}

export type SaxesConstructor = new (options?: { xmlns?: boolean; position?: boolean }) => SaxesLikeParser;

export type CsvParse = (options: Record<string, unknown>) => NodeJS.ReadWriteStream & AsyncIterable<unknown>;

const ownRequire = createRequire(import.meta.url);
const reportRequire = createRequire(fileURLToPath(import.meta.resolve('@posturesync/qualys-pc-report')));

export function loadSqlite(): SqliteConstructor {
  return ownRequire('better-sqlite3') as SqliteConstructor;
}

export function loadSaxes(): SaxesConstructor {
  return (reportRequire('saxes') as { SaxesParser: SaxesConstructor }).SaxesParser;
}

export function loadCsvParse(): CsvParse {
  return (reportRequire('csv-parse') as { parse: CsvParse }).parse;
}
