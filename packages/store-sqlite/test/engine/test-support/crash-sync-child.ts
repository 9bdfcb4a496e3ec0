/**
 * Child process for the crash-consistency test: runs a slow fake sync against a database
 * file and reports every committed batch on stdout, so the parent can SIGKILL it mid-run.
 * Usage: node crash-sync-child.ts <db path> <variant 0|1> <delay ms>
 */
import { SecretRedactor, silentLogger } from '@posturesync/core';
import { runSync } from '@posturesync/engine';
import { SqliteStore } from '../../../src/sqlite-store.ts';
import { crashEstate, crashTestConfig } from './crash-estate.ts';
import { buildEstate, createFakeDefinition } from './fake-connector.ts';

const [path, variant, delay] = process.argv.slice(2);
if (!path) throw new Error('usage: crash-sync-child.ts <db path> <variant> <delay ms>');
const store = SqliteStore.open(path);
await runSync({
  store,
  definition: createFakeDefinition({
    batches: buildEstate({ ...crashEstate, variant: variant === '1' ? 1 : 0 }),
    delayMs: Number(delay ?? '5'),
  }),
  instance: 'pcrs-eu',
  config: crashTestConfig,
  full: true,
  logger: silentLogger,
  redactor: new SecretRedactor(),
  signal: new AbortController().signal,
  onEvent: (event) => {
    if (event.type === 'start') process.stdout.write(`started ${event.runId}\n`);
    if (event.type === 'batch') process.stdout.write(`committed ${event.batches}\n`);
  },
});
store.close();
process.stdout.write('done\n');
