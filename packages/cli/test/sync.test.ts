import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '@posturesync/store-sqlite';
import { describe, expect, it } from 'vitest';
import { fakeRegistry, hostileText } from './support/fake-connector.ts';
import { invoke, tempDirectory } from './support/run-cli.ts';

const password = 'fake-secret-hunter2';

function project(blocks: string): string {
  const cwd = tempDirectory();
  writeFileSync(join(cwd, 'posturesync.config.yaml'), `database: ./data/test.db\nconnectors:\n${blocks}`, {
    mode: 0o600,
  });
  return cwd;
}

const block = (name: string, extra = '') =>
  `  - name: ${name}\n    type: fake\n    url: https://fake.example.test\n    username: alice\n${extra}`;

const env = { FAKE_PASSWORD: password };

describe('sync, status and history with a fake connector', () => {
  it('syncs every instance, then status and history describe the runs', async () => {
    const cwd = project(block('fake-a') + block('fake-b', '    passwordEnv: FAKE_B_PASSWORD\n'));
    const sync = await invoke(['sync'], {
      cwd,
      env: { ...env, FAKE_B_PASSWORD: 'b-secret-value' },
      registry: fakeRegistry,
    });
    expect(sync.stderr).not.toContain('"level":"error"');
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain('fake-a (fake) succeeded');
    expect(sync.stdout).toContain('fake-b (fake) succeeded');
    expect(sync.stdout).toContain('hosts 2 · policies 1 · definitions 1 · violations 2');
    expect(sync.stdout).toContain('requests 0 · retries 0');

    const store = SqliteStore.open(join(cwd, 'data', 'test.db'), { readonly: true });
    try {
      expect(store.summary().hosts).toBe(4);
    } finally {
      store.close();
    }

    const status = await invoke(['status'], { cwd, registry: fakeRegistry });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Database  ${join(cwd, 'data', 'test.db')}`);
    expect(status.stdout).toMatch(/fake-a\s+fake\s+succeeded/);
    expect(status.stdout).toContain('Hosts  4 (fake-a 2, fake-b 2)');
    expect(status.stdout).toContain('Fake Linux Baseline');
    expect(status.stdout).toMatch(/50\.0%/);
    expect(status.stdout).toMatch(/critical\s+1\s+2/);

    const history = await invoke(['history', '--connector', 'fake-b'], { cwd, registry: fakeRegistry });
    expect(history.code).toBe(0);
    const rows = history.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/ID\s+INSTANCE\s+STARTED\s+DURATION\s+OUTCOME/);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatch(/fake-b .* succeeded/);

    const json = await invoke(['--json', 'history', '--limit', '1'], { cwd, registry: fakeRegistry });
    const parsed = JSON.parse(json.stdout);
    expect(parsed.runs).toHaveLength(1);
    expect(parsed.runs[0]).toMatchObject({ instance: 'fake-b', outcome: 'succeeded' });
  });

  it('--json prints one summary document on stdout, JSON-lines logs on stderr, and no password anywhere', async () => {
    const cwd = project(block('fake-a'));
    const result = await invoke(['--json', '--log-level', 'debug', 'sync'], {
      cwd,
      env,
      registry: fakeRegistry,
    });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ exitCode: 0, runs: [{ instance: 'fake-a', exitCode: 0, error: null }] });
    expect(summary.runs[0].summary).toMatchObject({
      outcome: 'succeeded',
      counts: { hosts: 2, violations: 2 },
    });
    const logs = result.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(logs.some((record) => record.message === 'sync started')).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(password);

    const status = await invoke(['--json', 'status'], { cwd, registry: fakeRegistry });
    expect(JSON.parse(status.stdout)).toMatchObject({ hosts: 2, lastRuns: [{ instance: 'fake-a' }] });
    expect(status.stdout).not.toContain(password);
  });

  it('issue 15: the summary says first sync, then incremental (not "fresh start"), and full for --full', async () => {
    const cwd = project(block('fake-a'));
    const first = await invoke(['sync'], { cwd, env, registry: fakeRegistry });
    expect(first.stdout).toMatch(
      /fake-a \(fake\) succeeded in \S+ — run #1, first sync \(no stored state\)\n/,
    );
    const incremental = await invoke(['sync'], { cwd, env, registry: fakeRegistry });
    expect(incremental.stdout).toMatch(/— run #2, incremental\n/);
    const full = await invoke(['sync', '--full'], { cwd, env, registry: fakeRegistry });
    expect(full.stdout).toMatch(/— run #3, full sync\n/);
    for (const output of [first, incremental, full]) expect(output.stdout).not.toContain('fresh start');
    const json = await invoke(['--json', 'sync'], { cwd, env, registry: fakeRegistry });
    expect(JSON.parse(json.stdout).runs[0].summary).toMatchObject({ resumed: false, mode: 'incremental' });
  });

  it('issue 15: the summary labels its counts: stored (as in the tables), quarantined, duplicates passed over', async () => {
    const cwd = project(block('fake-a', '    mode: duplicates\n'));
    const result = await invoke(['sync'], { cwd, env, registry: fakeRegistry });
    expect(result.code).toBe(0);
    // Host 1 and its finding came twice: delivered 3 hosts and 3 findings, stored 2 of each.
    expect(result.stdout).toContain(
      'stored: hosts 2 · policies 1 · definitions 1 · violations 2; quarantined 0; duplicates passed over 2',
    );
    const store = SqliteStore.open(join(cwd, 'data', 'test.db'), { readonly: true });
    try {
      const count = (table: string) =>
        (store.database.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      expect([
        count('hosts'),
        count('policies'),
        count('violation_definitions'),
        count('violations'),
      ]).toEqual([2, 1, 1, 2]);
    } finally {
      store.close();
    }
    const json = await invoke(['--json', 'sync', '--full'], { cwd, env, registry: fakeRegistry });
    const run = JSON.parse(json.stdout).runs[0];
    expect(run.summary.counts).toMatchObject({ hosts: 3, violations: 3 });
    expect(run.stored).toEqual({ hosts: 2, policies: 1, definitions: 1, violations: 2 });
  });

  it('quarantined records make the run partial: exit 4', async () => {
    const cwd = project(block('fake-a', '    mode: reject\n'));
    const result = await invoke(['sync'], { cwd, env, registry: fakeRegistry });
    expect(result.code).toBe(4);
    expect(result.stdout).toContain(
      'stored: hosts 2 · policies 1 · definitions 1 · violations 2; quarantined 1; duplicates passed over 0',
    );
  });

  it('a failed run exits 5 and its error message is redacted', async () => {
    const cwd = project(block('fake-a', '    mode: fail\n'));
    const result = await invoke(['sync'], { cwd, env, registry: fakeRegistry });
    expect(result.code).toBe(5);
    expect(result.stdout).toContain('[PS_ERR_TRANSIENT]: the fake source kept failing');
    expect(result.stdout + result.stderr).not.toContain(password);
    const json = await invoke(['--json', 'sync'], { cwd, env, registry: fakeRegistry });
    expect(json.code).toBe(5);
    expect(JSON.parse(json.stdout).runs[0].error).toMatchObject({ code: 'PS_ERR_TRANSIENT' });
    expect(json.stdout + json.stderr).not.toContain(password);
  });

  it('check prints ✓ with the facts, ✗ with the reason, and exits 3 on an auth error', async () => {
    const cwd = project(block('fake-ok') + block('fake-bad', '    mode: auth\n'));
    const result = await invoke(['check'], { cwd, env, registry: fakeRegistry });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('✓ fake-ok (fake): user alice accepted; 1 policy visible');
    expect(result.stdout).toContain('✗ fake-bad (fake): [PS_ERR_AUTH] the fake source rejected user alice');
    expect(result.stdout).not.toContain(password);
    const only = await invoke(['--json', 'check', '--connector', 'fake-ok'], {
      cwd,
      env,
      registry: fakeRegistry,
    });
    expect(only.code).toBe(0);
    expect(JSON.parse(only.stdout).results).toEqual([
      expect.objectContaining({ instance: 'fake-ok', ok: true }),
    ]);
  });

  it('a sync while another process holds the lock exits 6 and names the holder', async () => {
    const cwd = project(block('fake-a'));
    const path = join(cwd, 'data', 'test.db');
    const store = SqliteStore.open(path);
    const lock = store.acquireLock({ instance: 'other-sync' });
    try {
      const result = await invoke(['sync'], { cwd, env, registry: fakeRegistry });
      expect(result.code).toBe(6);
      expect(result.stdout).toContain('[PS_ERR_LOCK_HELD]');
    } finally {
      store.releaseLock(lock);
      store.close();
    }
  });

  it('a cancelled sync exits 130', async () => {
    const cwd = project(block('fake-a'));
    const controller = new AbortController();
    controller.abort();
    const result = await invoke(['sync'], { cwd, env, registry: fakeRegistry, signal: controller.signal });
    expect(result.code).toBe(130);
  });

  it('status without a database says how to create one', async () => {
    const result = await invoke(['status'], { cwd: tempDirectory(), registry: fakeRegistry });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('error [PS_ERR_STORE]: no posturesync database at');
    expect(result.stderr).toContain('posturesync demo');
  });

  it('on a terminal, progress is drawn on stderr and removed before the summary', async () => {
    const cwd = project(block('fake-a'));
    const result = await invoke(['sync'], {
      cwd,
      env: { ...env, NO_COLOR: '1' },
      registry: fakeRegistry,
      isTTY: true,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('fake-a syncing (first sync: everything)');
    // log-update erases the frame line by line (erase line, cursor up) before the summary.
    expect(result.stderr.endsWith('\x1b[2K\x1b[G')).toBe(true);
    expect(result.stdout).toContain('fake-a (fake) succeeded');
  });

  it('issue 13: status, history, check and sync print no raw control characters from the source', async () => {
    const cwd = project(block('fake-evil', '    mode: hostile\n'));
    // Any raw C0 (but tab and newline), DEL, C1 or bidi control character.
    const hasRaw = (text: string) =>
      [...text].some((char) => {
        const code = char.codePointAt(0) ?? 0;
        return (
          (code < 0x20 && code !== 0x09 && code !== 0x0a) ||
          (code >= 0x7f && code <= 0x9f) ||
          (code >= 0x202a && code <= 0x202e) ||
          (code >= 0x2066 && code <= 0x2069)
        );
      });
    const sync = await invoke(['--no-color', 'sync'], { cwd, env, registry: fakeRegistry });
    expect(sync.code).toBe(0);
    const status = await invoke(['--no-color', 'status'], { cwd, registry: fakeRegistry });
    expect(status.stdout).toContain('Evil\\x1b]0;pwned');
    const history = await invoke(['--no-color', 'history'], { cwd, registry: fakeRegistry });
    const check = await invoke(['--no-color', 'check'], { cwd, env, registry: fakeRegistry });
    expect(check.stdout).toContain('the source said: Evil\\x1b]0;pwned\\x07 \\x1b[2J\\x00\\x9b\\u202eTitle');
    for (const output of [sync, status, history, check])
      expect(hasRaw(output.stdout + output.stderr)).toBe(false);
    // JSON output keeps the data exact (JSON itself escapes what must be escaped).
    const json = await invoke(['--json', 'check'], { cwd, env, registry: fakeRegistry });
    expect(JSON.parse(json.stdout).results[0].error.message).toBe(`the source said: ${hostileText}`);
  });
});
