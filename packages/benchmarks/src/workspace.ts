import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A scenario's temporary directory (recordings, databases, row samples). */
export interface Workspace {
  directory: string;
  file(name: string): string;
}

export async function workspace(name: string): Promise<Workspace> {
  const directory = await mkdtemp(path.join(os.tmpdir(), `posturesync-bench-${name}-`));
  return { directory, file: (file) => path.join(directory, file) };
}
