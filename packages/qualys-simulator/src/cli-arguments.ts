import { parseArgs } from 'node:util';
import { ConfigError } from '@posturesync/core';
import type { StartSimulatorOptions } from './server/start-qualys-simulator.ts';
import { faultProfiles } from './shared/fault-controller.ts';

export const simulatorUsage = `Usage: qualys-simulator [options]

Serves a simulated Qualys (PCRS gateway and classic API v2) on http://127.0.0.1:PORT.

Options:
  --port <n>          port to listen on (default 8080; 0 = any free port)
  --hosts <n>         hosts in the estate (default 20)
  --policies <n>      compliance policies (default 3)
  --controls <n>      controls per policy (default 10)
  --seed <n>          generator seed (default 1)
  --faults <profile>  fault profile: ${Object.keys(faultProfiles).join(', ')} (default none)
  --no-rate-limit     switch off the PCRS 429 and the v2 409 limits
  --latency <ms>      added before every response (default 0)
  --report-delay <ms> time until a launched report is Finished (default 2000)
  --username <name>   login (default posturesync_demo)
  --password <secret> password (default demo-password)
  -h, --help          show this help`;

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new ConfigError(`--${name} must be a non-negative integer, got "${value}".`);
  }
  return parsed;
}

/** Turns command-line arguments into simulator options; `help` when the user asked for usage. */
export function parseSimulatorArguments(
  argv: readonly string[],
): { help: true } | { help: false; options: StartSimulatorOptions & { port: number } } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      hosts: { type: 'string' },
      policies: { type: 'string' },
      controls: { type: 'string' },
      seed: { type: 'string' },
      faults: { type: 'string' },
      'no-rate-limit': { type: 'boolean' },
      latency: { type: 'string' },
      'report-delay': { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return { help: true };
  const profile = values.faults ?? 'none';
  const faults = faultProfiles[profile];
  if (!faults) {
    throw new ConfigError(
      `--faults "${profile}" is not a known profile; use one of: ${Object.keys(faultProfiles).join(', ')}.`,
    );
  }
  const options: StartSimulatorOptions & { port: number } = {
    port: integer('port', values.port, 8080),
    estate: {
      hosts: integer('hosts', values.hosts, 20),
      policies: integer('policies', values.policies, 3),
      controlsPerPolicy: integer('controls', values.controls, 10),
      seed: integer('seed', values.seed, 1),
    },
    faults,
    latencyMs: integer('latency', values.latency, 0),
    reportLaunchDelayMs: integer('report-delay', values['report-delay'], 2000),
  };
  if (values['no-rate-limit']) {
    options.pcrsRateLimit = false;
    options.classicRateLimit = false;
  }
  if (values.username !== undefined || values.password !== undefined) {
    options.credentials = {
      username: values.username ?? 'posturesync_demo',
      password: values.password ?? 'demo-password',
    };
  }
  return { help: false, options };
}
