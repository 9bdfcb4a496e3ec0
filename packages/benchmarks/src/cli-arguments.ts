import { parseArgs } from 'node:util';
import { ConfigError } from '@posturesync/core';
import type { ProcessVariant } from './result-types.ts';
import { parseCount } from './scale.ts';
import { fullScales, quickScales, type ScaleOptions } from './scenarios.ts';

export interface BenchArguments {
  profile: 'quick' | 'full';
  scales: ScaleOptions;
  scenarios: string[];
  strict: boolean;
  outDir: string | null;
  cpuProfile: boolean;
  keep: boolean;
  /** Memory experiments: extra Node flags / environment / SQLite cache for the sync processes. */
  syncVariant: ProcessVariant | null;
  nodeDefaults: boolean;
  list: boolean;
  help: boolean;
}

export const usage = `Usage: pnpm bench [options]

  --full                    add the large scenarios (PCRS 5M records, 1 GB reports)
  --scenario <name>         run only this scenario (repeatable; see --list)
  --list                    print the scenarios of the profile and exit
  --strict                  exit 1 when a target is missed
  --pcrs-records <list>     PCRS sizes, e.g. 100k,1M,5M
  --postgres-records <list> PCRS sizes synced into PostgreSQL next to SQLite, e.g. 100k (0 skips)
  --report-mb <list>        Policy Report sizes in MB, e.g. 100,1000
  --report-formats <list>   xml,csv
  --rate-limit <n/s>        rate limit on both sides, default 25/6 (Qualys' 25/60 s, window / 10)
  --rate-limit-calls <n>    postureInfo calls in the rate-limit scenario (default 100; 0 skips it)
  --rate-limit-batch <n>    host IDs per call in the rate-limit scenario (default 20)
  --server-limit <n/s>      the simulator's own limit in "limit lower than configured" (default 15/6; 0 skips it)
  --cpu-prof                write V8 CPU profiles of the sync processes and summarise them
  --out <dir>               result directory (default .bench-results at the repository root)
  --keep                    keep recordings and databases in the temp directory
  --sync-flag <flag>        experiments: a Node flag for the sync processes (repeatable),
                            e.g. --sync-flag=--max-semi-space-size=8
  --sync-env <NAME=value>   experiments: an environment variable for them (repeatable),
                            e.g. --sync-env MALLOC_ARENA_MAX=2
  --sqlite-cache-kib <n>    experiments: the store's page cache in KiB (cache_size = -n)
  --node-defaults           run the syncs with Node's default V8 flags, not posturesync's own
  --help                    this text
`;

function list(text: string, what: string): number[] {
  return text
    .split(',')
    .filter((item) => item.trim() !== '')
    .map((item) => parseCount(item, what));
}

function rateLimit(text: string): { requests: number; perSeconds: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*s?\s*$/.exec(text);
  if (!match) throw new ConfigError(`--rate-limit: "${text}" should look like 25/6 (requests / seconds).`);
  return { requests: Number(match[1]), perSeconds: Number(match[2]) };
}

export function parseBenchArguments(argv: readonly string[]): BenchArguments {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new ConfigError(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
  const { values } = parsed;
  const full = values.full ?? false;
  const scales: ScaleOptions = { ...(full ? fullScales : quickScales) };
  if (values['pcrs-records'] !== undefined)
    scales.pcrsRecords = list(values['pcrs-records'], '--pcrs-records');
  if (values['postgres-records'] !== undefined) {
    scales.postgresRecords =
      values['postgres-records'] === '0' ? [] : list(values['postgres-records'], '--postgres-records');
  }
  if (values['report-mb'] !== undefined) scales.reportMegabytes = list(values['report-mb'], '--report-mb');
  if (values['report-formats'] !== undefined) {
    const formats = values['report-formats'].split(',').map((format) => format.trim().toLowerCase());
    const wrong = formats.find((format) => format !== 'xml' && format !== 'csv');
    if (wrong !== undefined) throw new ConfigError(`--report-formats: "${wrong}" is not xml or csv.`);
    scales.reportFormats = formats as Array<'xml' | 'csv'>;
  }
  if (values['rate-limit'] !== undefined) scales.rateLimit = rateLimit(values['rate-limit']);
  if (values['rate-limit-calls'] !== undefined) {
    scales.rateLimitCalls =
      values['rate-limit-calls'] === '0' ? 0 : parseCount(values['rate-limit-calls'], '--rate-limit-calls');
  }
  if (values['server-limit'] !== undefined) {
    scales.lowerServerLimit = values['server-limit'] === '0' ? null : rateLimit(values['server-limit']);
  }
  if (values['rate-limit-batch'] !== undefined) {
    scales.rateLimitBatchSize = parseCount(values['rate-limit-batch'], '--rate-limit-batch');
  }
  const env: Record<string, string> = {};
  for (const entry of values['sync-env'] ?? []) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(entry);
    if (!match) throw new ConfigError(`--sync-env: "${entry}" should look like NAME=value.`);
    env[match[1] as string] = match[2] as string;
  }
  const execArgv = values['sync-flag'] ?? [];
  const cacheKib = values['sqlite-cache-kib'];
  const sqliteCacheSize = cacheKib === undefined ? undefined : -parseCount(cacheKib, '--sqlite-cache-kib');
  const syncVariant: ProcessVariant | null =
    execArgv.length > 0 || Object.keys(env).length > 0 || sqliteCacheSize !== undefined
      ? { execArgv, env, ...(sqliteCacheSize === undefined ? {} : { sqliteCacheSize }) }
      : null;
  return {
    profile: full ? 'full' : 'quick',
    scales,
    scenarios: (values.scenario ?? []).flatMap((name) => name.split(',')).filter((name) => name !== ''),
    strict: values.strict ?? false,
    outDir: values.out ?? null,
    cpuProfile: values['cpu-prof'] ?? false,
    keep: values.keep ?? false,
    syncVariant,
    nodeDefaults: values['node-defaults'] ?? false,
    list: values.list ?? false,
    help: values.help ?? false,
  };
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: false,
    options: {
      full: { type: 'boolean' },
      scenario: { type: 'string', multiple: true },
      list: { type: 'boolean' },
      strict: { type: 'boolean' },
      'pcrs-records': { type: 'string' },
      'postgres-records': { type: 'string' },
      'report-mb': { type: 'string' },
      'report-formats': { type: 'string' },
      'rate-limit': { type: 'string' },
      'rate-limit-calls': { type: 'string' },
      'rate-limit-batch': { type: 'string' },
      'server-limit': { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      out: { type: 'string' },
      keep: { type: 'boolean' },
      'sync-flag': { type: 'string', multiple: true },
      'sync-env': { type: 'string', multiple: true },
      'sqlite-cache-kib': { type: 'string' },
      'node-defaults': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
}
