import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportableTables } from '@posturesync/engine';
import {
  defaultCredentials,
  type RunningSimulator,
  startQualysSimulator,
} from '@posturesync/qualys-simulator';
import { PostgresStore } from '@posturesync/store-postgres';
import { type PostgresServer, startPostgresServer } from '@posturesync/store-postgres/test-support';
import { SqliteStore } from '@posturesync/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, tempDirectory } from './support/run-cli.ts';

describe('posturesync migrate-store', () => {
  let simulator: RunningSimulator;
  let server: PostgresServer;
  beforeAll(async () => {
    [simulator, server] = await Promise.all([
      startQualysSimulator({
        estate: { seed: 5, hosts: 6, policies: 2, controlsPerPolicy: 4, flipRatio: 0.3 },
        pcrsRateLimit: false,
        classicRateLimit: false,
      }),
      startPostgresServer(),
    ]);
  });
  afterAll(async () => {
    await simulator?.close();
    server?.stop();
  });

  it('copies a synced SQLite database, history included, into PostgreSQL; a second run has nothing left to do', async () => {
    const cwd = tempDirectory();
    writeFileSync(
      join(cwd, 'posturesync.config.yaml'),
      [
        'database: ./local.db',
        'connectors:',
        '  - name: pcrs-sim',
        '    type: qualys-pcrs',
        `    gatewayUrl: ${simulator.url}`,
        `    username: ${defaultCredentials.username}`,
        '    rateLimit: false',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const env = { QUALYS_PASSWORD: defaultCredentials.password, ...server.env };
    expect((await invoke(['sync'], { cwd, env })).code).toBe(0);
    simulator.state.estate.flipResults(new Date(Date.now() + 60_000));
    expect((await invoke(['sync'], { cwd, env })).code).toBe(0);

    const url = `${server.url}?schema=migrated`;
    const copied = await invoke(['--json', 'migrate-store', '--from', './local.db', '--to', url], {
      cwd,
      env,
    });
    expect(copied.stderr).toBe('');
    expect(copied.code).toBe(0);
    const report = JSON.parse(copied.stdout) as {
      to: string;
      resumed: boolean;
      tables: Array<{ table: string; copied: number; total: number }>;
    };
    // The CLI's redactor masks a URL's user part in all output (it could be a credential).
    expect(report.to).toMatch(/^postgresql:\/\/\S+@127\.0\.0\.1:\d+\/posturesync_test\?schema=migrated$/);
    expect(report.resumed).toBe(false);
    expect(report.tables.find((table) => table.table === 'status_changes')?.copied).toBeGreaterThan(0);

    const sqlite = SqliteStore.open(join(cwd, 'local.db'), { readonly: true });
    const postgres = await PostgresStore.open({ url, env: server.env, readonly: true });
    try {
      for (const table of exportableTables) {
        const expected = sqlite.database.prepare(`SELECT * FROM ${table}`).raw(true).all();
        const { rows } = await postgres.readRelation(table);
        const actual: unknown[][] = [];
        for await (const row of rows) actual.push([...row]);
        const sorted = (list: unknown[][]) => list.map((row) => JSON.stringify(row)).sort();
        expect([table, ...sorted(actual)]).toEqual([table, ...sorted(expected as unknown[][])]);
      }
    } finally {
      sqlite.close();
      await postgres.close();
    }

    const again = await invoke(['migrate-store', '--from', './local.db', '--to', url], { cwd, env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^Resumed and copied [\d,]+ rows in 12 tables from .*local\.db to postgresql:\/\/\S+@127\.0\.0\.1:\d+\/posturesync_test\?schema=migrated\n$/,
    );
    expect(`${again.stdout}${again.stderr}`).not.toContain(server.password);
  });

  it('refuses a --to that is not a PostgreSQL URL', async () => {
    const result = await invoke(['migrate-store', '--from', './x.db', '--to', './y.db'], {
      cwd: tempDirectory(),
    });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('--to must be a PostgreSQL URL');
  });
});
