/**
 * Child-process entry: the floors. Each job measures the least work the same data needs:
 * decode + parse of the very bytes the sync received, or a bare insert of as many rows of the
 * same width as the sync stored.
 */
import { createReadStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { serveChildJob } from './child-process.ts';
import { peakRssBytes, timed } from './measure.ts';
import { averageRowBytes, type RowSample, syntheticRow } from './row-sample.ts';
import { loadCsvParse, loadSaxes, loadSqlite } from './third-party.ts';

export type FloorJob =
  | { kind: 'pcrs-parse'; files: string[] }
  | { kind: 'xml-parse'; file: string }
  | { kind: 'csv-parse'; file: string }
  | { kind: 'insert'; sampleFile: string; rows: number; databasePath: string };

export interface FloorJobResult {
  wallMs: number;
  cpuMs: number;
  items: number;
  bytes: number;
  peakRssBytes: number;
}

/**
 * gunzip + JSON.parse of each whole postureInfo body. Parsing a whole response at once is the
 * fastest parse V8 offers; the connector cannot do it (a body may be hundreds of MB, so it splits
 * the stream into elements and parses one at a time), which makes this a strict floor.
 */
async function parsePcrs(files: readonly string[]): Promise<{ items: number; bytes: number }> {
  let items = 0;
  let bytes = 0;
  for (const file of files) {
    const raw = await readFile(file);
    bytes += raw.length;
    const plain = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
    const parsed: unknown = JSON.parse(plain.toString('utf8'));
    if (Array.isArray(parsed)) items += parsed.length;
  }
  return { items, bytes };
}

/** One saxes pass with the handlers a real consumer needs (tags and text), doing nothing else. */
async function parseXml(file: string): Promise<{ items: number; bytes: number }> {
  const SaxesParser = loadSaxes();
  const parser = new SaxesParser({ xmlns: false, position: true });
  let items = 0;
  // Text handlers are attached so saxes does the same work as for a real consumer.
  let textLength = 0;
  let failure: Error | null = null;
  parser.on('opentag', () => {
    items++;
  });
  parser.on('text', (text) => {
    textLength += text.length;
  });
  parser.on('cdata', (text) => {
    textLength += text.length;
  });
  parser.on('error', (error) => {
    failure = error;
  });
  let bytes = 0;
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  stream.setEncoding('utf8');
  for await (const chunk of stream as AsyncIterable<string>) {
    bytes += Buffer.byteLength(chunk);
    parser.write(chunk);
    if (failure) throw failure;
  }
  parser.close();
  if (failure) throw failure;
  if (bytes > 0 && textLength === 0)
    throw new Error(`${file}: the XML pass saw no text at all; is it a report?`);
  return { items, bytes };
}

/** One csv-parse pass with the connector's options, counting rows. */
async function parseCsv(file: string): Promise<{ items: number; bytes: number }> {
  const parse = loadCsvParse();
  const parser = parse({ bom: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true });
  const source = createReadStream(file, { highWaterMark: 256 * 1024 });
  const { size: bytes } = await stat(file);
  let items = 0;
  const counting = (async () => {
    for await (const _row of parser) items++;
  })();
  await pipeline(source, parser);
  await counting;
  return { items, bytes };
}

/** One prepared INSERT, one transaction, into a table with the same columns and no constraints. */
async function bareInsert(
  job: Extract<FloorJob, { kind: 'insert' }>,
): Promise<{ items: number; bytes: number }> {
  const sample = JSON.parse(await readFile(job.sampleFile, 'utf8')) as RowSample;
  if (sample.rows.length === 0) return { items: 0, bytes: 0 };
  await rm(job.databasePath, { force: true });
  const Database = loadSqlite();
  const database = new Database(job.databasePath);
  try {
    // The store's own write settings (packages/core/src/store/store.ts, new file), so only the
    // statement work differs: 16 KiB pages alone cost about 15% less insert CPU than 4 KiB.
    database.pragma('page_size = 16384');
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('cache_size = -32768');
    database.pragma('temp_store = MEMORY');
    const columns = sample.columns.map((column) => `"${column}"`);
    database.exec(`CREATE TABLE floor_violations (${columns.join(', ')})`);
    const insert = database.prepare(
      `INSERT INTO floor_violations (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    const uidColumn = sample.columns.indexOf('uid');
    const insertAll = database.transaction((count: number) => {
      for (let index = 0; index < count; index++) insert.run(...syntheticRow(sample, uidColumn, index));
    });
    insertAll(job.rows);
    // For inserts, `bytes` is the average row width the floor wrote.
    return { items: job.rows, bytes: averageRowBytes(sample) };
  } finally {
    database.close();
    await rm(job.databasePath, { force: true });
    await rm(`${job.databasePath}-wal`, { force: true });
    await rm(`${job.databasePath}-shm`, { force: true });
  }
}

function run(job: FloorJob): Promise<{ items: number; bytes: number }> {
  switch (job.kind) {
    case 'pcrs-parse':
      return parsePcrs(job.files);
    case 'xml-parse':
      return parseXml(job.file);
    case 'csv-parse':
      return parseCsv(job.file);
    case 'insert':
      return bareInsert(job);
  }
}

serveChildJob<FloorJob, FloorJobResult>(async (job) => {
  const measured = await timed(() => run(job));
  return { wallMs: measured.wallMs, cpuMs: measured.cpuMs, ...measured.value, peakRssBytes: peakRssBytes() };
});
