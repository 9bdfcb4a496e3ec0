import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SecretRedactor, silentLogger } from '@posturesync/core';
import { runSync } from '@posturesync/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/sqlite-store.ts';
import { crashEstate, crashTestConfig } from './test-support/crash-estate.ts';
import { buildEstate, createFakeDefinition } from './test-support/fake-connector.ts';
import { changeLog, dataSnapshot } from './test-support/snapshot.ts';

const childScript = fileURLToPath(new URL('./test-support/crash-sync-child.ts', import.meta.url));
const v0 = buildEstate({ ...crashEstate, variant: 0 });
const v1 = buildEstate({ ...crashEstate, variant: 1 });

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'posturesync-crash-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function sync(store: SqliteStore, batches: typeof v0, full = false) {
  return runSync({
    store,
    definition: createFakeDefinition({ batches }),
    instance: 'pcrs-eu',
    config: crashTestConfig,
    full,
    logger: silentLogger,
    redactor: new SecretRedactor(),
    signal: new AbortController().signal,
  });
}

/** Starts the child sync and SIGKILLs it once `afterBatches` batches committed plus `extraMs`. */
async function killMidSync(path: string, afterBatches: number, extraMs: number): Promise<number> {
  const child = spawn(process.execPath, [childScript, path, '1', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  let committed = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line.startsWith('committed ')) continue;
    committed = Number(line.slice('committed '.length));
    if (committed >= afterBatches) {
      setTimeout(() => child.kill('SIGKILL'), extraMs);
      break;
    }
  }
  const signal = await exited;
  if (signal !== 'SIGKILL')
    throw new Error(`the child sync was not killed (exit signal ${signal}): ${stderr}`);
  return committed;
}

describe('issue 6: crash consistency', () => {
  it('a sync killed with SIGKILL at a random point leaves a valid database, loses nothing, and resumes to the clean result', async () => {
    const reference = SqliteStore.open(join(directory, 'reference.db'));
    await sync(reference, v0);
    await sync(reference, v1, true);
    const clean = dataSnapshot(reference);
    const cleanChanges = changeLog(reference) as Array<{ origin: string }>;
    expect(new Set(cleanChanges.map((row) => row.origin))).toEqual(
      new Set(['first-seen', 'changed', 'absent']),
    );
    reference.close();

    for (let attempt = 0; attempt < 3; attempt += 1) {
      const path = join(directory, `crash-${attempt}.db`);
      const seeded = SqliteStore.open(path);
      await sync(seeded, v0);
      const previous = dataSnapshot(seeded);
      seeded.close();

      const afterBatches = 1 + Math.floor(Math.random() * (v1.length - 4));
      const committed = await killMidSync(path, afterBatches, Math.floor(Math.random() * 4));

      const store = SqliteStore.open(path);
      expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(store.database.pragma('foreign_key_check')).toEqual([]);
      // Nothing stored before is lost or closed: every earlier row is still there.
      const now = dataSnapshot(store);
      expect(now.violations!.map((row) => (row as { uid: string }).uid)).toEqual(
        previous.violations!.map((row) => (row as { uid: string }).uid),
      );
      expect(now.violations!.every((row) => (row as { closed: number }).closed === 0)).toBe(true);
      const killed = store.history({ limit: 1 })[0]!;
      expect(killed.outcome).toBe('running');
      expect(killed.batches).toBeGreaterThanOrEqual(committed);
      expect(store.getState('pcrs-eu')).toMatchObject({ inProgress: true, generation: killed.id });

      const resumed = await sync(store, v1);
      expect(resumed).toMatchObject({ outcome: 'succeeded', resumed: true, generation: killed.id });
      expect(resumed.batches + killed.batches).toBe(v1.length);
      expect(store.getRun(killed.id)).toMatchObject({ outcome: 'failed', errorCode: 'PS_ERR_PROCESS_DIED' });
      expect(dataSnapshot(store)).toEqual(clean);
      // issue 14: each change is logged exactly once although two runs wrote the generation.
      expect(changeLog(store)).toEqual(cleanChanges);
      store.close();
    }
  });
});
