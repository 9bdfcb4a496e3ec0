import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';

/** The hand-written fixtures of `test/fixtures/` (see its README): never produced by the simulator. */
export type FixtureName =
  | 'real-layout-results.csv'
  | 'header-only.csv'
  | 'empty-report.csv'
  | 'no-evidence-no-exceptions.csv'
  | 'policy-list.xml'
  | 'policy-report.xml';

export function fixtureBytes(name: FixtureName): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

export function fixtureText(name: FixtureName): string {
  return fixtureBytes(name).toString('utf8');
}

/** The fixture as a stream of small chunks, so rows and quoted cells cross chunk boundaries. */
export function fixtureStream(name: FixtureName | Buffer, chunkSize = 61): Readable {
  const bytes = typeof name === 'string' ? fixtureBytes(name) : name;
  const chunks: Buffer[] = [];
  for (let index = 0; index < bytes.length; index += chunkSize) {
    chunks.push(bytes.subarray(index, index + chunkSize));
  }
  return Readable.from(chunks);
}
