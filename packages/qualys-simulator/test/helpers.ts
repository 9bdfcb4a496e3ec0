import { gunzipSync, inflateRawSync } from 'node:zlib';
import {
  defaultCredentials,
  type RunningSimulator,
  type StartSimulatorOptions,
  startQualysSimulator,
} from '../src/index.ts';

export const basicAuth = `Basic ${Buffer.from(`${defaultCredentials.username}:${defaultCredentials.password}`).toString('base64')}`;
export const classicHeaders = { authorization: basicAuth, 'x-requested-with': 'posturesync-tests' };

export async function withSimulator<T>(
  options: StartSimulatorOptions,
  use: (simulator: RunningSimulator) => Promise<T>,
): Promise<T> {
  const simulator = await startQualysSimulator(options);
  try {
    return await use(simulator);
  } finally {
    await simulator.close();
  }
}

export async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...defaultCredentials, token: 'true' }).toString(),
  });
  if (response.status !== 201) throw new Error(`auth answered ${response.status}`);
  return response.text();
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export interface HostIdsElement {
  policyId: string;
  subscriptionId: string;
  hostIds: string[];
  error?: string;
}

export async function resolveHostIds(
  url: string,
  token: string,
  policyIds: string[],
): Promise<HostIdsElement[]> {
  const response = await fetch(`${url}/pcrs/1.0/posture/hostids?policyId=${policyIds.join(',')}`, {
    headers: bearer(token),
  });
  return (await response.json()) as HostIdsElement[];
}

export async function postureInfo(
  url: string,
  token: string,
  body: unknown,
  query = '',
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(`${url}/pcrs/1.0/posture/postureInfo${query}`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

export function decodeRecords(bytes: Buffer, gzipped: boolean): Array<Record<string, unknown>> {
  const text = (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
  return JSON.parse(text) as Array<Record<string, unknown>>;
}

/** RFC 4180 parsing (quoted cells may hold commas, quotes and newlines); rows end with CRLF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** The rows of a CSV section: from the row after the marker's header row up to the next blank row. */
export function csvSection(
  rows: string[][],
  marker: string,
  hasHeader = true,
): { header: string[]; rows: string[][] } {
  const start = rows.findIndex((row) => row.length === 1 && (row[0] ?? '').startsWith(marker));
  if (start < 0) throw new Error(`no section ${marker}`);
  const header = hasHeader ? (rows[start + 1] ?? []) : [];
  const body: string[][] = [];
  for (let i = start + (hasHeader ? 2 : 1); i < rows.length; i++) {
    const row = rows[i]!;
    if (row.length === 1 && row[0] === '') break;
    if (row.length === 0) break;
    body.push(row);
  }
  return { header, rows: body };
}

/** Section markers of the real layout (spec policy-report-csv-real.md §1). */
const realMarkers = new Set([
  'SUMMARY',
  'Host Statistics (Percentage of Controls Passed per Host)',
  'ASSET TAGS',
  'RESULTS',
  'Possible reason for empty report',
]);

/**
 * A section of a real-layout CSV (no blank rows between sections): the header row after the
 * marker, then the rows up to the next marker.
 */
export function realCsvSection(rows: string[][], marker: string): { header: string[]; rows: string[][] } {
  const start = rows.findIndex((row) => row.length === 1 && row[0] === marker);
  if (start < 0) throw new Error(`no section ${marker}`);
  const header = rows[start + 1] ?? [];
  const body: string[][] = [];
  for (let i = start + 2; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.length === 1 && realMarkers.has(row[0] ?? '')) break;
    body.push(row);
  }
  return { header, rows: body };
}

/** The cell of `row` under the header named `name` (throws when the header lacks it). */
export function cellOf(header: readonly string[], row: readonly string[], name: string): string {
  const index = header.indexOf(name);
  if (index < 0) throw new Error(`no column ${name} in ${header.join(',')}`);
  return row[index] ?? '';
}

/** Reads a single-entry zip through its central directory and inflates the entry. */
export function unzipSingle(zip: Buffer): { name: string; content: Buffer; crc: number } {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('no end of central directory');
  const centralOffset = zip.readUInt32LE(end + 16);
  if (zip.readUInt32LE(centralOffset) !== 0x02014b50) throw new Error('bad central directory');
  const crc = zip.readUInt32LE(centralOffset + 16);
  const compressedSize = zip.readUInt32LE(centralOffset + 20);
  const size = zip.readUInt32LE(centralOffset + 24);
  const nameLength = zip.readUInt16LE(centralOffset + 28);
  const localOffset = zip.readUInt32LE(centralOffset + 42);
  const name = zip.subarray(centralOffset + 46, centralOffset + 46 + nameLength).toString('utf8');
  if (zip.readUInt32LE(localOffset) !== 0x04034b50) throw new Error('bad local header');
  const dataStart =
    localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
  const content = inflateRawSync(zip.subarray(dataStart, dataStart + compressedSize));
  if (content.length !== size) throw new Error('size mismatch');
  return { name, content, crc };
}
