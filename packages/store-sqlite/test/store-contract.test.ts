import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStoreContract } from '@posturesync/engine/testing';
import { afterAll } from 'vitest';
import { SqliteStore } from '../src/sqlite-store.ts';

// Files, not `:memory:`, so the lock test can open a second connection to the same database.
const directory = mkdtempSync(join(tmpdir(), 'posturesync-store-contract-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;

describeStoreContract({
  name: 'sqlite',
  openStore: () => {
    files += 1;
    return SqliteStore.open(join(directory, `contract-${files}.db`));
  },
  openSecondConnection: (store) => SqliteStore.open((store as SqliteStore).path),
});
