import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type ConnectorDefinition, SecretRedactor } from '@posturesync/core';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { readConfigFile, resolveConnectorSet } from '../src/config/load-config.ts';
import { cliPackageDirectory } from '../src/connector-discovery.ts';
import { builtInRegistry } from '../src/registry.ts';
import { invoke, tempDirectory } from './support/run-cli.ts';

/**
 * Issue 15: the docs run. Every YAML/JSON config example in the repository's READMEs goes
 * through the real config loader and must be accepted; every quoted `error [...]` block must be
 * exactly what `posturesync check` prints for the YAML block just before it.
 */

const repositoryRoot = join(cliPackageDirectory, '..', '..');

interface Block {
  file: string;
  line: number;
  language: string;
  text: string;
}

function markdownFiles(): string[] {
  const files = ['README.md', 'CONTRIBUTING.md'].map((name) => join(repositoryRoot, name));
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'README.md') files.push(path);
    }
  };
  walk(join(repositoryRoot, 'packages'));
  return files.filter((file) => existsSync(file));
}

function fencedBlocks(file: string): Block[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: Block[] = [];
  let open: { language: string; line: number; body: string[] } | null = null;
  lines.forEach((line, index) => {
    const fence = /^```\s*([\w-]*)\s*$/.exec(line);
    if (!fence) {
      open?.body.push(line);
      return;
    }
    if (open === null) open = { language: (fence[1] ?? '').toLowerCase(), line: index + 1, body: [] };
    else {
      blocks.push({
        file: relative(repositoryRoot, file),
        line: open.line,
        language: open.language,
        text: open.body.join('\n'),
      });
      open = null;
    }
  });
  return blocks;
}

/** A plausible value for any environment variable an example names (secrets, hosts, users). */
const exampleEnvironment = new Proxy({} as Record<string, string | undefined>, {
  get: (_, name) => {
    if (typeof name !== 'string') return undefined;
    if (/HOST/.test(name)) return 'qualys.example.test';
    if (/USER/.test(name)) return 'api-user';
    if (/PASSWORD|SECRET|TOKEN/.test(name)) return 'doc-test-secret-value';
    return 'doc-test';
  },
  has: () => true,
});

/** A stand-in definition for a connector type a README uses but this repository does not ship. */
function stubDefinition(id: string): ConnectorDefinition<unknown> {
  return {
    id,
    displayName: id,
    description: 'a connector from a package (README example)',
    sourceName: id.toUpperCase(),
    configSchema: z.looseObject({}),
    secrets: [],
    create: () => {
      throw new Error('not used');
    },
  } as unknown as ConnectorDefinition<unknown>;
}

function parseBlock(block: Block): unknown {
  return block.language === 'json' ? JSON.parse(block.text) : parseYaml(block.text);
}

function isConfig(value: unknown): value is { connectors: Array<{ type?: unknown }> } {
  return (
    value !== null &&
    typeof value === 'object' &&
    Array.isArray((value as { connectors?: unknown }).connectors)
  );
}

const allBlocks = markdownFiles().flatMap(fencedBlocks);
const errorBlocks = allBlocks.filter((block) => block.language === '' && block.text.startsWith('error ['));
/** The YAML block each quoted error belongs to: the nearest one before it in the same file. */
const errorExamples = errorBlocks.map((errorBlock) => {
  const config = allBlocks
    .filter(
      (block) => block.file === errorBlock.file && block.line < errorBlock.line && block.language === 'yaml',
    )
    .at(-1);
  return { errorBlock, config };
});
const configBlocks = allBlocks.filter((block) => {
  if (!['yaml', 'yml', 'json'].includes(block.language)) return false;
  if (errorExamples.some((example) => example.config === block)) return false;
  if (block.language !== 'json') return true;
  // JSON blocks are also package manifests and checkpoint shapes; only configs are checked here.
  try {
    return isConfig(JSON.parse(block.text));
  } catch {
    return false;
  }
});

describe('issue 15: README examples run', () => {
  it('finds the examples (the test would pass vacuously otherwise)', () => {
    expect(configBlocks.length).toBeGreaterThanOrEqual(5);
    expect(errorExamples.length).toBeGreaterThanOrEqual(1);
  });

  it.each(configBlocks.map((block) => [`${block.file}:${block.line}`, block] as const))(
    'config example %s is accepted by the config loader',
    async (_, block) => {
      const parsed = parseBlock(block);
      expect(isConfig(parsed), `${block.file}:${block.line} is not a config (no "connectors" list)`).toBe(
        true,
      );
      const directory = tempDirectory();
      const file = join(
        directory,
        block.language === 'json' ? 'posturesync.config.json' : 'posturesync.config.yaml',
      );
      writeFileSync(file, block.text);
      chmodSync(file, 0o600);
      const config = await readConfigFile(file, exampleEnvironment);
      const registry = new Map(builtInRegistry());
      for (const connector of config.envelope.connectors) {
        if (!registry.has(connector.type)) registry.set(connector.type, stubDefinition(connector.type));
      }
      const { connectors, unavailable } = resolveConnectorSet(config, {
        registry,
        env: exampleEnvironment,
        redactor: new SecretRedactor(),
      });
      expect(unavailable).toEqual([]);
      expect(connectors.map((connector) => connector.name)).toEqual(
        config.envelope.connectors.map((connector) => connector.name),
      );
    },
  );

  it.each(
    errorExamples.map(
      (example) => [`${example.errorBlock.file}:${example.errorBlock.line}`, example] as const,
    ),
  )(
    'quoted error %s is what posturesync check prints for the YAML block before it',
    async (_, { errorBlock, config }) => {
      expect(
        config,
        `no YAML block before the quoted error at ${errorBlock.file}:${errorBlock.line}`,
      ).toBeDefined();
      const cwd = tempDirectory();
      const file = join(cwd, 'posturesync.config.yaml');
      writeFileSync(file, config?.text ?? '');
      chmodSync(file, 0o600);
      const result = await invoke(['check'], { cwd, env: {} });
      const quotedPath = /invalid config file (\S+):/.exec(errorBlock.text)?.[1] ?? '';
      expect(result.stderr.trim()).toBe(errorBlock.text.replaceAll(quotedPath, file).trim());
    },
  );
});
