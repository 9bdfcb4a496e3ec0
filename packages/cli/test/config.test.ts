import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretRedactor } from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import { readConfigFile, resolveConnectors } from '../src/config/load-config.ts';
import { fakeRegistry } from './support/fake-connector.ts';
import { invoke, tempDirectory } from './support/run-cli.ts';

const goodBlock = `  - name: fake-prod
    type: fake
    url: https://fake.example.test
    username: alice
`;

function writeConfig(
  text: string,
  name = 'posturesync.config.yaml',
  mode = 0o600,
): { cwd: string; file: string } {
  const cwd = tempDirectory();
  const file = join(cwd, name);
  writeFileSync(file, text);
  chmodSync(file, mode);
  return { cwd, file };
}

async function load(text: string, env: Record<string, string> = { FAKE_PASSWORD: 'hunter2-secret' }) {
  const { file } = writeConfig(text);
  const config = await readConfigFile(file);
  return resolveConnectors(config, { registry: fakeRegistry, env, redactor: new SecretRedactor() });
}

async function problemsOf(text: string, env?: Record<string, string>): Promise<string> {
  try {
    await load(text, env);
  } catch (error) {
    expect((error as { code?: string }).code).toBe('PS_ERR_CONFIG');
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('config file validation', () => {
  it('accepts a valid block and fills the secret from the default environment variable', async () => {
    const [connector] = await load(`connectors:\n${goodBlock}`);
    expect(connector?.name).toBe('fake-prod');
    expect(connector?.config).toMatchObject({
      username: 'alice',
      password: 'hunter2-secret',
      batchSize: 100,
    });
    expect(connector?.secretEnv).toEqual({ password: 'FAKE_PASSWORD' });
  });

  it('reads the secret from the variable named by <key>Env', async () => {
    const [connector] = await load(`connectors:\n${goodBlock}    passwordEnv: FAKE_PROD_PASSWORD\n`, {
      FAKE_PROD_PASSWORD: 'other-secret',
    });
    expect(connector?.config).toMatchObject({ password: 'other-secret' });
  });

  it('names the missing environment variable and the connector instance', async () => {
    const message = await problemsOf(`connectors:\n${goodBlock}`, {});
    expect(message).toContain('connectors[0] (fake-prod).password');
    expect(message).toContain('FAKE_PASSWORD');
    expect(message).toContain('"fake-prod"');
  });

  it('rejects a secret written in the file and never echoes it', async () => {
    const message = await problemsOf(`connectors:\n${goodBlock}    password: written-in-file\n`);
    expect(message).toContain(
      'connectors[0] (fake-prod).password: secrets must not be written in the config file',
    );
    expect(message).toContain('FAKE_PASSWORD');
    expect(message).not.toContain('written-in-file');
  });

  it('names the key path, what was expected and what was found for a bad option type', async () => {
    const message = await problemsOf(`connectors:\n${goodBlock}    batchSize: lots\n`);
    expect(message).toContain('connectors[0] (fake-prod).batchSize: expected a number, got "lots"');
  });

  it('reports range errors with the bound', async () => {
    const message = await problemsOf(`connectors:\n${goodBlock}    batchSize: 9000\n`);
    expect(message).toContain('connectors[0] (fake-prod).batchSize: expected a number <= 5000, got 9000');
  });

  it('reports nested paths and enum choices', async () => {
    const message = await problemsOf(
      `connectors:\n${goodBlock}    mode: sideways\n    policyIds:\n      include: [1, "2"]\n`,
    );
    expect(message).toContain(
      'connectors[0] (fake-prod).mode: expected one of "ok", "reject", "fail", "auth", "hostile", "duplicates", "hang", got "sideways"',
    );
    expect(message).toContain('connectors[0] (fake-prod).policyIds.include[0]: expected a string, got 1');
  });

  it('rejects unknown options (typos) naming the known ones', async () => {
    const message = await problemsOf(`connectors:\n${goodBlock}    batchsize: 10\n`);
    expect(message).toContain('connectors[0] (fake-prod).batchsize: unknown option for connector type fake');
    expect(message).toContain('batchSize');
  });

  it('lists the known types for an unknown connector type', async () => {
    const message = await problemsOf('connectors:\n  - name: x\n    type: qualys-vm\n');
    expect(message).toContain(
      'connectors[0] (x).type: unknown connector type "qualys-vm"; known types: fake',
    );
  });

  it('rejects duplicate instance names', async () => {
    const message = await problemsOf(`connectors:\n${goodBlock}${goodBlock}`);
    expect(message).toContain('connectors[1] (fake-prod).name: duplicate instance name "fake-prod"');
  });

  it('rejects instance names that are not kebab-case', async () => {
    const message = await problemsOf('connectors:\n  - name: Fake_Prod\n    type: fake\n');
    expect(message).toContain('connectors[0] (Fake_Prod).name: expected a kebab-case instance name');
  });

  it('rejects unknown top-level keys and a missing connectors list', async () => {
    const message = await problemsOf('databse: ./x.db\n');
    expect(message).toContain('connectors: is required (expected a list)');
    expect(message).toContain('unknown option "databse"');
  });

  it('gives line and column for YAML syntax errors', async () => {
    const { file } = writeConfig('connectors:\n  - name: a\n    type: fake\n    url: x: y\n');
    await expect(readConfigFile(file)).rejects.toMatchObject({
      code: 'PS_ERR_CONFIG',
      message: expect.stringMatching(
        new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:10: YAML syntax error: Nested mappings`),
      ),
      details: expect.objectContaining({ line: 4 }),
    });
  });

  it('gives line and column for JSON syntax errors', async () => {
    const { file } = writeConfig(
      '{\n  "connectors": [\n    { "name": "a", }\n  ]\n}\n',
      'posturesync.config.json',
    );
    await expect(readConfigFile(file)).rejects.toMatchObject({
      code: 'PS_ERR_CONFIG',
      message: expect.stringContaining(`${file}:3:`),
    });
  });

  it('issue 13: JSON syntax errors V8 gives no position for still name line:column, and echo no text', async () => {
    const { file } = writeConfig(
      '{\n  "connectors": [\n    { "name": "a", "password": "hunter2-secret", "tls": tru }\n  ]\n}\n',
      'posturesync.config.json',
    );
    const error = await readConfigFile(file).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'PS_ERR_CONFIG', details: { line: 3, column: 60 } });
    expect((error as Error).message).toContain(`${file}:3:60: JSON syntax error: expected "true", found " "`);
    expect((error as Error).message).not.toContain('hunter2-secret');
  });

  it('issue 13: a YAML syntax error does not echo a password written on the line it quotes', async () => {
    const { file } = writeConfig(
      'connectors:\n  - name: a\n    type: fake\n    password: hunter2-secret: x\n',
    );
    const error = await readConfigFile(file).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'PS_ERR_CONFIG', details: { line: 4 } });
    expect((error as Error).message).toContain('password: [REDACTED]');
    expect((error as Error).message).not.toContain('hunter2-secret');
  });

  it('issue 13: a YAML alias bomb is a config error (exit 2), refused quickly', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [index, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].entries()) {
      const previous = 'abcdefgh'[index];
      levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(',')}]`);
    }
    const { cwd } = writeConfig(`${levels.join('\n')}\nconnectors: []\n`);
    const started = performance.now();
    const result = await invoke(['check'], { cwd, registry: fakeRegistry });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('alias bomb');
    expect(result.stderr).not.toContain('please report');
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('reads JSON config files', async () => {
    const { file } = writeConfig(
      JSON.stringify({
        database: 'data/x.db',
        connectors: [{ name: 'a', type: 'fake', url: 'https://x.test', username: 'u' }],
      }),
      'posturesync.config.json',
    );
    const config = await readConfigFile(file);
    expect(config.database).toBe(join(file, '..', 'data', 'x.db'));
    expect(config.envelope.connectors[0]?.name).toBe('a');
  });

  it('takes a PostgreSQL URL as it is and turns a database block into one (no password anywhere)', async () => {
    const url = writeConfig(
      `database: postgresql://sync@db.example.test:5432/compliance?sslmode=require\nconnectors:\n${goodBlock}`,
    );
    expect((await readConfigFile(url.file)).database).toBe(
      'postgresql://sync@db.example.test:5432/compliance?sslmode=require',
    );
    const block = writeConfig(
      `database:\n  host: db.example.test\n  user: sync\n  database: compliance\n  ssl: verify-full\n  passwordEnv: DB_PASSWORD\nconnectors:\n${goodBlock}`,
    );
    expect((await readConfigFile(block.file)).database).toBe(
      'postgresql://sync@db.example.test:5432/compliance?sslmode=verify-full&passwordEnv=DB_PASSWORD',
    );
    const withPassword = writeConfig(
      `database:\n  host: db.example.test\n  database: compliance\n  password: hunter2-secret\nconnectors:\n${goodBlock}`,
    );
    const refused = await readConfigFile(withPassword.file).catch((error: Error) => error);
    expect((refused as Error).message).toMatch(/database: unknown option "password"/);
    expect((refused as Error).message).not.toContain('hunter2-secret');
  });

  it('warns when the file is world-readable or group-writable', async () => {
    const readable = writeConfig(`connectors:\n${goodBlock}`, 'posturesync.config.yaml', 0o644);
    expect((await readConfigFile(readable.file)).warnings).toEqual([
      expect.stringContaining('readable by every user'),
    ]);
    const writable = writeConfig(`connectors:\n${goodBlock}`, 'posturesync.config.yaml', 0o660);
    expect((await readConfigFile(writable.file)).warnings).toEqual([
      expect.stringContaining('writable by its group'),
    ]);
    const private_ = writeConfig(`connectors:\n${goodBlock}`, 'posturesync.config.yaml', 0o600);
    expect((await readConfigFile(private_.file)).warnings).toEqual([]);
  });
});

describe('config errors through the CLI', () => {
  it('a missing config file exits 2 with PS_ERR_CONFIG and a hint', async () => {
    const cwd = tempDirectory();
    const result = await invoke(['check'], { cwd, registry: fakeRegistry });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error \[PS_ERR_CONFIG\]: no config file found in /);
    expect(result.stderr).toContain('posturesync init');
  });

  it('an explicit --config that does not exist names the path', async () => {
    const cwd = tempDirectory();
    const result = await invoke(['--config', 'nope.yaml', 'sync'], { cwd, registry: fakeRegistry });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`config file ${join(cwd, 'nope.yaml')} not found`);
  });

  it('prints every problem at once, names the file, and --json carries them as details', async () => {
    const { cwd, file } = writeConfig(
      `connectors:\n${goodBlock}    batchSize: lots\n    password: in-file-secret\n`,
    );
    const human = await invoke(['check'], { cwd, registry: fakeRegistry, env: {} });
    expect(human.code).toBe(2);
    expect(human.stderr).toContain(`invalid config file ${file}`);
    expect(human.stderr).toContain('batchSize: expected a number');
    expect(human.stderr).toContain('password: secrets must not be written');
    expect(human.stderr).not.toContain('in-file-secret');

    const json = await invoke(['--json', 'check'], { cwd, registry: fakeRegistry, env: {} });
    expect(json.code).toBe(2);
    const line = JSON.parse(json.stderr.trim().split('\n').at(-1) ?? '{}');
    expect(line).toMatchObject({ level: 'error', code: 'PS_ERR_CONFIG', details: { file } });
    expect(line.details.problems).toHaveLength(2);
    expect(json.stderr).not.toContain('in-file-secret');
  });

  it('logs the world-readable warning when a command loads the config', async () => {
    const { cwd } = writeConfig(`connectors:\n${goodBlock}`, 'posturesync.config.yaml', 0o644);
    const result = await invoke(['--json', 'check'], {
      cwd,
      registry: fakeRegistry,
      env: { FAKE_PASSWORD: 'hunter2-secret' },
    });
    const warning = result.stderr
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .find((record) => record.level === 'warn');
    expect(warning?.message).toContain('readable by every user');
    expect(result.code).toBe(0);
  });

  it('warns loudly when a connector turns TLS verification off', async () => {
    const { cwd } = writeConfig(`connectors:\n${goodBlock}    tlsVerify: false\n`);
    const result = await invoke(['check'], {
      cwd,
      registry: fakeRegistry,
      env: { FAKE_PASSWORD: 'hunter2-secret' },
    });
    expect(result.stderr).toContain('TLS certificate verification is OFF for connector instance');
    expect(result.stderr).toContain('fake-prod');
  });

  it('issue 13: warns loudly when a connector was allowed plain http to another machine', async () => {
    const block = goodBlock.replace('https://fake.example.test', 'http://fake.example.test');
    const { cwd } = writeConfig(`connectors:\n${block}`);
    const result = await invoke(['check'], {
      cwd,
      registry: fakeRegistry,
      env: { FAKE_PASSWORD: 'hunter2-secret' },
    });
    expect(result.stderr).toContain('talks plain http:// to http://fake.example.test');
    const local = writeConfig(
      `connectors:\n${goodBlock.replace('https://fake.example.test', 'http://127.0.0.1:9')}`,
    );
    const quiet = await invoke(['check'], {
      cwd: local.cwd,
      registry: fakeRegistry,
      env: { FAKE_PASSWORD: 'x' },
    });
    expect(quiet.stderr).not.toContain('plain http://');
  });

  it('--connector naming an unknown instance lists the instances', async () => {
    const { cwd } = writeConfig(`connectors:\n${goodBlock}`);
    const result = await invoke(['check', '--connector', 'other'], { cwd, registry: fakeRegistry });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no connector instance named "other"');
    expect(result.stderr).toContain('instances: fake-prod');
  });
});
