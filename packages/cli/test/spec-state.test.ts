// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are ${VAR} config syntax, not templates.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema, SecretRedactor } from '@posturesync/core';
import { qualysPcrsConnector } from '@posturesync/qualys-pcrs';
import { SqliteStore } from '@posturesync/store-sqlite';
import { describe, expect, it } from 'vitest';
import { readConfigFile, resolveConnectors } from '../src/config/load-config.ts';
import { fakeRegistry } from './support/fake-connector.ts';
import { invoke, tempDirectory } from './support/run-cli.ts';

interface SpecOutput {
  connectors: Array<{
    type: string;
    secrets: Array<{ key: string; env: string }>;
    schema: { properties: Record<string, Record<string, unknown>>; required?: string[] };
  }>;
}

describe('issue 15: posturesync spec', () => {
  it('prints every built-in connector as JSON Schema with secrets marked and defaults included', async () => {
    const result = await invoke(['--json', 'spec'], { cwd: tempDirectory() });
    expect(result.code).toBe(0);
    const spec = JSON.parse(result.stdout) as SpecOutput;
    expect(spec.connectors.map((connector) => connector.type)).toEqual(['qualys-pcrs', 'qualys-pc-report']);
    const pcrs = spec.connectors[0];
    expect(pcrs?.schema.properties.password).toMatchObject({
      secret: true,
      writeOnly: true,
      env: 'QUALYS_PASSWORD',
    });
    expect(pcrs?.secrets).toEqual([expect.objectContaining({ key: 'password', env: 'QUALYS_PASSWORD' })]);
    // The same function the README options tables come from, plus the secret marks.
    const fromTables = configJsonSchema(
      qualysPcrsConnector.configSchema,
    ) as SpecOutput['connectors'][number]['schema'];
    expect(Object.keys(pcrs?.schema.properties ?? {})).toEqual(Object.keys(fromTables.properties));
    const defaults = Object.values(pcrs?.schema.properties ?? {}).filter((property) => 'default' in property);
    expect(defaults.length).toBeGreaterThan(0);
  });

  it('--type picks one connector; an unknown type is a config error naming the known ones', async () => {
    const one = await invoke(['--json', 'spec', '--type', 'qualys-pc-report'], { cwd: tempDirectory() });
    expect((JSON.parse(one.stdout) as SpecOutput).connectors.map((connector) => connector.type)).toEqual([
      'qualys-pc-report',
    ]);
    const human = await invoke(['spec', '--type', 'qualys-pcrs'], { cwd: tempDirectory() });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^qualys-pcrs: /);
    expect(human.stdout).toMatch(
      / {2}password {2}string; required; secret, from \$QUALYS_PASSWORD \(or passwordEnv\)/,
    );
    const unknown = await invoke(['spec', '--type', 'nope'], { cwd: tempDirectory() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'unknown connector type "nope"; known types: qualys-pcrs, qualys-pc-report',
    );
  });
});

const password = 'fake-secret-hunter2';

function project(): string {
  const cwd = tempDirectory();
  writeFileSync(
    join(cwd, 'posturesync.config.yaml'),
    'database: ./state.db\nconnectors:\n  - name: fake-a\n    type: fake\n    url: https://fake.example.test\n    username: alice\n',
    { mode: 0o600 },
  );
  return cwd;
}

describe('issue 15: posturesync state show | reset', () => {
  it('shows the checkpoint, and reset clears it only when confirmed, keeping every finding', async () => {
    const cwd = project();
    const env = { FAKE_PASSWORD: password };
    expect((await invoke(['sync'], { cwd, env, registry: fakeRegistry })).code).toBe(0);

    const shown = await invoke(['--json', 'state', 'show'], { cwd });
    expect(shown.code).toBe(0);
    const parsed = JSON.parse(shown.stdout) as {
      states: Array<{ instance: string; state: { generation: number } }>;
    };
    expect(parsed.states.map((entry) => entry.instance)).toEqual(['fake-a']);
    expect(parsed.states[0]?.state.generation).toBeGreaterThan(0);
    const human = await invoke(['state', 'show', '--connector', 'fake-a'], { cwd });
    expect(human.stdout).toMatch(/^fake-a \(fake\), written by run \d+/);

    const findingsBefore = findingsOf(cwd);
    expect(findingsBefore).toBeGreaterThan(0);
    const unconfirmed = await invoke(['state', 'reset', '--connector', 'fake-a'], { cwd });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('add --yes to confirm');
    const declined = await invoke(['state', 'reset', '--connector', 'fake-a'], {
      cwd,
      confirm: async () => false,
    });
    expect(declined.code).toBe(2);
    expect(declined.stderr).toContain('not confirmed; nothing was changed');
    expect(JSON.parse((await invoke(['--json', 'state', 'show'], { cwd })).stdout).states).toHaveLength(1);

    let asked = '';
    const confirmed = await invoke(['state', 'reset', '--connector', 'fake-a'], {
      cwd,
      confirm: async (question) => {
        asked = question;
        return true;
      },
    });
    expect(confirmed.code).toBe(0);
    expect(asked).toContain('Clear the checkpoint of "fake-a"');
    expect(confirmed.stdout).toContain('cleared the checkpoint of "fake-a"');
    expect(JSON.parse((await invoke(['--json', 'state', 'show'], { cwd })).stdout).states).toEqual([]);
    expect(findingsOf(cwd)).toBe(findingsBefore);

    const again = await invoke(['--json', 'state', 'reset', '--connector', 'fake-a', '--yes'], { cwd });
    expect(JSON.parse(again.stdout)).toMatchObject({ instance: 'fake-a', removed: false });
  });

  it('refuses to reset while a sync holds the lock', async () => {
    const cwd = project();
    expect(
      (await invoke(['sync'], { cwd, env: { FAKE_PASSWORD: password }, registry: fakeRegistry })).code,
    ).toBe(0);
    const store = SqliteStore.open(join(cwd, 'state.db'));
    // A live holder on this host: this very process.
    const lock = store.acquireLock({ instance: 'fake-a' });
    try {
      const result = await invoke(['state', 'reset', '--connector', 'fake-a', '--yes'], { cwd });
      expect(result.code).toBe(6);
    } finally {
      store.releaseLock(lock);
      store.close();
    }
  });
});

/** Every stored finding and host: what a state reset must never delete. */
function findingsOf(cwd: string): number {
  const store = SqliteStore.open(join(cwd, 'state.db'), { readonly: true });
  try {
    const counts = store.database
      .prepare('SELECT (SELECT COUNT(*) FROM violations) + (SELECT COUNT(*) FROM hosts) AS rows')
      .get() as { rows: number };
    return counts.rows;
  } finally {
    store.close();
  }
}

describe('issue 15: ${VAR} interpolation in config values', () => {
  it('fills options and the database path from the environment; a secret may name its variable as ${VAR}', async () => {
    const cwd = tempDirectory();
    const file = join(cwd, 'posturesync.config.yaml');
    writeFileSync(
      file,
      [
        'database: ${DATA_DIR:-./data}/posturesync.db',
        'connectors:',
        '  - name: fake-a',
        '    type: fake',
        '    url: https://${FAKE_HOST}/api',
        '    username: ${FAKE_USER:-alice}',
        '    password: ${MY_FAKE_PASSWORD}',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const env = { FAKE_HOST: 'fake.example.test', MY_FAKE_PASSWORD: password };
    const config = await readConfigFile(file, env);
    expect(config.database).toBe(join(cwd, 'data', 'posturesync.db'));
    const [connector] = resolveConnectors(config, {
      registry: fakeRegistry,
      env,
      redactor: new SecretRedactor(),
    });
    expect(connector?.config).toMatchObject({
      url: 'https://fake.example.test/api',
      username: 'alice',
      password,
    });
    expect(connector?.secretEnv).toEqual({ password: 'MY_FAKE_PASSWORD' });
  });

  it('an unset variable is a config error naming the key and the variable', async () => {
    const cwd = tempDirectory();
    writeFileSync(
      join(cwd, 'posturesync.config.yaml'),
      'connectors:\n  - name: fake-a\n    type: fake\n    url: https://${FAKE_HOST}/api\n    username: alice\n',
      { mode: 0o600 },
    );
    const result = await invoke(['check'], { cwd, env: { FAKE_PASSWORD: password }, registry: fakeRegistry });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'connectors[0] (fake-a).url: the environment variable FAKE_HOST is not set',
    );
    expect(result.stderr).not.toContain(password);
  });
});
