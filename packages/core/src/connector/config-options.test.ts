import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configConventionProblems } from '../testing/config-conventions.ts';
import { describeConfigOptions } from './config-options.ts';
import type { ConnectorDefinition } from './connector.ts';

const schema = z.object({
  baseUrl: z.url().describe('Gateway URL'),
  password: z.string().min(1).meta({ secret: true, description: 'API password' }),
  pageSize: z.number().int().min(1).default(100).describe('Records per request'),
  mode: z.enum(['v1', 'v2']).optional().describe('API version'),
  policyIds: z.array(z.string()).default([]).describe('Limit to these policies'),
  network: z.union([z.string(), z.number()]).nullable().describe('Network label'),
  http: z
    .object({
      timeoutMs: z.number().int().default(180_000).describe('Read timeout'),
      proxy: z.url().optional().describe('Proxy URL'),
    })
    .default({ timeoutMs: 180_000 })
    .describe('HTTP settings'),
  auth: z.object({ token: z.string().meta({ secret: true, description: 'Token' }) }).describe('Auth'),
});

describe('describeConfigOptions', () => {
  it('lists every option with its type, default, required and secret flags, nested keys dotted', () => {
    const options = describeConfigOptions(schema);
    expect(options.map((option) => option.path)).toEqual([
      'baseUrl',
      'password',
      'pageSize',
      'mode',
      'policyIds',
      'network',
      'http',
      'http.timeoutMs',
      'http.proxy',
      'auth',
      'auth.token',
    ]);
    const byPath = new Map(options.map((option) => [option.path, option]));
    expect(byPath.get('baseUrl')).toEqual({
      path: 'baseUrl',
      type: 'string (URL)',
      defaultValue: null,
      required: true,
      secret: false,
      description: 'Gateway URL',
    });
    expect(byPath.get('password')).toMatchObject({
      secret: true,
      required: true,
      description: 'API password',
    });
    expect(byPath.get('pageSize')).toMatchObject({ type: 'integer', defaultValue: '100', required: false });
    expect(byPath.get('mode')).toMatchObject({ type: "'v1' | 'v2'", required: false });
    expect(byPath.get('policyIds')).toMatchObject({ type: 'string[]', defaultValue: '[]' });
    expect(byPath.get('network')).toMatchObject({ type: 'string | number | null', required: true });
    expect(byPath.get('http')).toMatchObject({ type: 'object', required: false });
    // A key inside an optional object is never required on its own.
    expect(byPath.get('http.timeoutMs')).toMatchObject({ defaultValue: '180000', required: false });
    expect(byPath.get('auth.token')).toMatchObject({ secret: true, required: true });
  });

  it('treats "Secret:" in a description as the secret mark too', () => {
    const options = describeConfigOptions(
      z.object({ password: z.string().describe('Source password. Secret: read from SOURCE_PASSWORD.') }),
    );
    expect(options[0]).toMatchObject({ path: 'password', secret: true });
  });

  it('finds an object inside an optional or nullable wrapper', () => {
    const options = describeConfigOptions(
      z.object({
        tls: z
          .object({ ca: z.string().describe('CA file') })
          .nullable()
          .describe('TLS'),
      }),
    );
    expect(options.map((option) => [option.path, option.type])).toEqual([
      ['tls', 'object | null'],
      ['tls.ca', 'string'],
    ]);
  });
});

function definitionWith(
  configSchema: z.ZodType,
  secrets: ConnectorDefinition['secrets'],
): ConnectorDefinition {
  return {
    id: 'x',
    displayName: 'X',
    description: 'x',
    sourceName: 'X',
    configSchema,
    secrets,
    create: () => {
      throw new Error('not used');
    },
  };
}

describe('configConventionProblems', () => {
  it('accepts a schema that describes every option and declares its secrets', () => {
    const secrets = [
      { key: 'password', env: 'X_PASSWORD', description: 'p' },
      { key: 'auth.token', env: 'X_TOKEN', description: 't' },
    ];
    expect(configConventionProblems(definitionWith(schema, secrets))).toEqual([]);
  });

  it('names undescribed options, unmarked secrets, undeclared secrets and bad env names', () => {
    const bad = z.object({
      user: z.string(),
      password: z.string().describe('password'),
      token: z.string().meta({ secret: true, description: 'token' }),
    });
    const problems = configConventionProblems(
      definitionWith(bad, [
        { key: 'password', env: 'x-password', description: 'p' },
        { key: 'missing', env: 'X_MISSING', description: 'm' },
      ]),
    );
    expect(problems).toEqual([
      `option "user" has no description: add .describe('...') so the options table explains it`,
      'option "password" is a declared secret: mark it .meta({ secret: true, description }) or put "Secret:" in its description',
      'secret "password" reads env "x-password": use an UPPER_SNAKE_CASE variable name',
      'secrets lists "missing" but the config schema has no such option',
      'option "token" is marked secret but missing from definition.secrets (which names its env)',
    ]);
  });

  it('rejects a schema that is not an object', () => {
    expect(configConventionProblems(definitionWith(z.string(), []))).toEqual([
      'x: configSchema must be a z.object(...) with at least one option',
    ]);
  });
});
