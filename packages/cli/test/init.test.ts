import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretRedactor } from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import { templateTypes } from '../src/config/config-template.ts';
import { readConfigFile, resolveConnectors } from '../src/config/load-config.ts';
import { builtInRegistry } from '../src/registry.ts';
import { invoke, tempDirectory } from './support/run-cli.ts';

describe('posturesync init', () => {
  it.each(templateTypes)(
    'writes a commented %s config with mode 600 that validates once the env var is set',
    async (type) => {
      const cwd = tempDirectory();
      const result = await invoke(['init', '--type', type], { cwd });
      expect(result.code).toBe(0);
      const file = join(cwd, 'posturesync.config.yaml');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('# Secrets are never written in this file');
      expect(text).toContain('QUALYS_PASSWORD');
      expect(text).not.toMatch(/^\s*password:/m);
      expect(result.stdout).toContain('export QUALYS_PASSWORD="..."');

      const config = await readConfigFile(file);
      expect(config.warnings).toEqual([]);
      expect(config.database).toBe(join(cwd, 'posturesync.db'));
      const [connector] = resolveConnectors(config, {
        registry: builtInRegistry(),
        env: { QUALYS_PASSWORD: 'init-test-password' },
        redactor: new SecretRedactor(),
      });
      expect(connector?.type).toBe(type);
      expect(connector?.tlsVerifyDisabled).toBe(false);
    },
  );

  it('the written config fails clearly without the env var', async () => {
    const cwd = tempDirectory();
    await invoke(['init'], { cwd });
    const result = await invoke(['check'], { cwd, env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('connectors[0] (qualys-pcrs).password');
    expect(result.stderr).toContain('QUALYS_PASSWORD, which is not set');
    // The hint survives the redactor (which scrubs `password=value` patterns).
    expect(result.stderr).toContain('export QUALYS_PASSWORD="<password>"');
  });

  it('refuses to overwrite without --force, and tightens the mode when forced', async () => {
    const cwd = tempDirectory();
    const file = join(cwd, 'custom.yaml');
    writeFileSync(file, 'keep me', { mode: 0o644 });
    const refused = await invoke(['--config', 'custom.yaml', 'init'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('already exists; pass --force');
    expect(readFileSync(file, 'utf8')).toBe('keep me');

    const forced = await invoke(
      ['--config', 'custom.yaml', 'init', '--force', '--type', 'qualys-pc-report'],
      { cwd },
    );
    expect(forced.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('type: qualys-pc-report');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('rejects an unknown --type as a usage error', async () => {
    const result = await invoke(['init', '--type', 'qualys-vm'], { cwd: tempDirectory() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error [PS_ERR_CONFIG]:');
    expect(result.stderr).toContain('qualys-vm');
  });
});
