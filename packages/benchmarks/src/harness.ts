import { mkdir, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { defaultCredentials } from '@posturesync/qualys-simulator';
import { runChild } from './child-process.ts';
import { describeCommit } from './commit-info.ts';
import { estateForPostureRecords, estateForReportBytes, type SizedEstate } from './estate-sizing.ts';
import type { FloorJob, FloorJobResult } from './floor-worker.ts';
import { describeMachine } from './machine.ts';
import { memoryComparison, reportMemoryComparisons } from './memory-comparison.ts';
import { pcrsConfig } from './pcrs-config.ts';
import { postgresScenario } from './postgres-scenario.ts';
import { rateLimitScenario } from './rate-limit-scenario.ts';
import { floorRatio, recordsPerSecond } from './ratios.ts';
import { posturesyncRequests, qualysEtlRequests, requestsPerTenThousandPairs } from './request-model.ts';
import type {
  BenchResults,
  FloorMeasurement,
  ProcessVariant,
  ScenarioResult,
  SyncMeasurement,
} from './result-types.ts';
import type {
  PcrsScenario,
  PostgresScenario,
  RateLimitScenario,
  ReportScenario,
  Scenario,
} from './scenarios.ts';
import { pcrsShape, reportShape } from './scenarios.ts';
import { type SimulatorHandle, startSimulatorProcess } from './simulator-handle.ts';
import { serverCounts, toMeasurement } from './sync-measurement.ts';
import type { SyncJobInput, SyncJobResult } from './sync-worker.ts';
import { evaluateTargets } from './targets.ts';
import { workspace } from './workspace.ts';

export interface HarnessOptions {
  scenarios: Scenario[];
  profile: string;
  /** Node flags for the measured sync processes (e.g. `--cpu-prof`); a directory gets one file per run. */
  cpuProfileDir?: string | null;
  keep?: boolean;
  /** Node flags, environment and SQLite cache for the measured sync processes (memory experiments). */
  syncVariant?: ProcessVariant;
  /** Run the sync processes with Node's defaults instead of `productNodeFlags`. */
  nodeDefaults?: boolean;
  log?: (line: string) => void;
}

/**
 * The V8 flags `posturesync` itself runs with (packages/cli/src/node-flags.ts applies them at
 * startup), so the measured sync processes match what users run. `--node-defaults` drops them.
 */
export const productNodeFlags: readonly string[] = ['--max-semi-space-size=16', '--heap-growing-percent=100'];

const syncWorker = new URL('./sync-worker.ts', import.meta.url);
const floorWorker = new URL('./floor-worker.ts', import.meta.url);
const sampleRows = 2000;

class Harness {
  readonly #options: HarnessOptions;
  readonly #log: (line: string) => void;
  #profileRun = 0;

  constructor(options: HarnessOptions) {
    this.#options = options;
    this.#log = options.log ?? (() => {});
  }

  #execArgv(label: string): string[] {
    const dir = this.#options.cpuProfileDir;
    if (!dir) return [];
    this.#profileRun++;
    return [
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      `--cpu-prof-name=${String(this.#profileRun).padStart(2, '0')}-${label}.cpuprofile`,
    ];
  }

  async #sync(
    label: string,
    simulator: SimulatorHandle,
    input: SyncJobInput,
    source: 'simulator' | 'proxy',
  ): Promise<SyncMeasurement> {
    await simulator.reset();
    this.#log(`  ${label}: syncing...`);
    const variant = this.#options.syncVariant;
    const result = await runChild<SyncJobInput, SyncJobResult>(
      syncWorker,
      variant?.sqliteCacheSize === undefined ? input : { ...input, sqliteCacheSize: variant.sqliteCacheSize },
      {
        // --expose-gc only lets the worker measure the live heap after the run; it never collects earlier.
        execArgv: [
          '--expose-gc',
          ...(this.#options.nodeDefaults ? [] : productNodeFlags),
          ...(variant?.execArgv ?? []),
          ...this.#execArgv(label),
        ],
        ...(variant && Object.keys(variant.env).length > 0 ? { env: variant.env } : {}),
      },
    );
    const measurement = toMeasurement(result, serverCounts(await simulator.snapshot(), source));
    measurement.nodeFlags = [
      ...(this.#options.nodeDefaults ? [] : productNodeFlags),
      ...(variant?.execArgv ?? []),
    ];
    if (variant) measurement.variant = variant;
    const memory = measurement.memory;
    if (memory) {
      const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
      const at = memory.atPeakRss;
      this.#log(
        `  ${label}: at peak RSS ${mib(at.rss)} MiB: V8 heap ${mib(at.heapPhysical)} (used ${mib(at.heapUsed)}), external ${mib(at.external)}, other ${mib(at.outsideHeap)}; live heap after GC ${memory.afterGc ? mib(memory.afterGc.heapUsed) : '?'} MiB; db ${mib(at.databaseBytes)} MiB, WAL ${mib(memory.peaks.walBytes)} MiB`,
      );
    }
    this.#log(
      `  ${label}: ${measurement.storedViolations} records in ${(measurement.wallMs / 1000).toFixed(1)} s = ${Math.round(measurement.recordsPerSecond)}/s, CPU ${(measurement.cpuMs / 1000).toFixed(1)} s, peak RSS ${(measurement.peakRssBytes / 2 ** 20).toFixed(0)} MiB, ${measurement.server.total} requests`,
    );
    return measurement;
  }

  async #floor(job: FloorJob): Promise<FloorJobResult> {
    return runChild<FloorJob, FloorJobResult>(floorWorker, job);
  }

  /**
   * Live sync (recording the bulk responses), replayed sync (the client alone), then the floor on
   * the very bytes recorded and the very row count stored.
   */
  async #throughputScenario(
    scenario: PcrsScenario | ReportScenario,
    sized: SizedEstate,
    connector: SyncJobInput['connector'],
    config: (url: string) => Record<string, unknown>,
    description: string,
  ): Promise<ScenarioResult> {
    const space = await workspace(scenario.name);
    const simulator = await startSimulatorProcess({
      estate: sized.estate,
      pcrsRateLimit: false,
      reports:
        scenario.kind === 'pcrs'
          ? []
          : [{ title: `Bench ${scenario.name}`, format: scenario.kind === 'report-xml' ? 'xml' : 'csv' }],
      directory: space.file('recordings'),
    });
    try {
      await simulator.setMode('record');
      const live = await this.#sync(
        `${scenario.name} live`,
        simulator,
        { connector, config: config(simulator.url), databasePath: space.file('live.db') },
        'simulator',
      );
      await rm(space.file('live.db'), { force: true });
      await rm(space.file('live.db-wal'), { force: true });
      const { recordings } = await simulator.snapshot();
      await simulator.setMode('replay');
      const replay = await this.#sync(
        `${scenario.name} replay`,
        simulator,
        {
          connector,
          config: config(simulator.url),
          databasePath: space.file('replay.db'),
          sample: { file: space.file('sample.json'), rows: sampleRows },
        },
        'proxy',
      );
      const bulk = recordings.filter(
        (entry) => entry.endpoint === (connector === 'qualys-pcrs' ? 'postureInfo' : 'reportFetch'),
      );
      const bulkBytes = bulk.reduce((sum, entry) => sum + entry.bytes, 0);
      await simulator.close();
      await rm(space.file('replay.db'), { force: true });
      await rm(space.file('replay.db-wal'), { force: true });

      this.#log(
        `  ${scenario.name} floor: parsing ${bulk.length} recorded bodies, inserting ${replay.counts.violations} rows...`,
      );
      const parseJob: FloorJob =
        scenario.kind === 'pcrs'
          ? { kind: 'pcrs-parse', files: bulk.map((entry) => entry.file) }
          : { kind: scenario.kind === 'report-xml' ? 'xml-parse' : 'csv-parse', file: bulk[0]?.file ?? '' };
      const parse = await this.#floor(parseJob);
      const insert = await this.#floor({
        kind: 'insert',
        sampleFile: space.file('sample.json'),
        rows: replay.storedViolations,
        databasePath: space.file('floor.db'),
      });
      const floor: FloorMeasurement = {
        decodeParseMs: parse.wallMs,
        insertMs: insert.wallMs,
        floorMs: parse.wallMs + insert.wallMs,
        decodeParseCpuMs: parse.cpuMs,
        insertCpuMs: insert.cpuMs,
        parsedItems: parse.items,
        rowsInserted: insert.items,
        bytes: parse.bytes,
        rowBytes: insert.bytes,
        method:
          scenario.kind === 'pcrs'
            ? 'read + gunzipSync + JSON.parse of each whole recorded postureInfo body; one prepared INSERT per row in one transaction into a constraint-free table with the violations columns'
            : `read + ${scenario.kind === 'report-xml' ? 'saxes (tag and text handlers only)' : 'csv-parse (connector options)'} pass over the recorded report file; one prepared INSERT per row in one transaction into a constraint-free table with the violations columns`,
      };
      const floorCpuMs = parse.cpuMs + insert.cpuMs;
      this.#log(
        `  ${scenario.name} floor: parse ${(parse.wallMs / 1000).toFixed(1)} s + insert ${(insert.wallMs / 1000).toFixed(1)} s = ${Math.round(recordsPerSecond(replay.storedViolations, floor.floorMs))}/s (CPU ${(floorCpuMs / 1000).toFixed(1)} s)`,
      );
      const result: ScenarioResult = {
        name: scenario.name,
        kind: scenario.kind,
        description,
        estate: sized.estate,
        records: replay.storedViolations,
        bulkBytes,
        live,
        replay,
        floor,
        floorRatio: {
          live: floorRatio(floor.floorMs, live.wallMs),
          replay: floorRatio(floor.floorMs, replay.wallMs),
          cpu: floorRatio(floorCpuMs, replay.cpuMs),
        },
      };
      if (scenario.kind === 'pcrs') {
        const hosts = simulator.activePolicies.map((policy) => policy.hosts);
        const pairs = hosts.reduce((sum, value) => sum + value, 0);
        const made =
          (live.server.requests.policyList ?? 0) +
          (live.server.requests.hostids ?? 0) +
          (live.server.requests.postureInfo ?? 0);
        const etl = qualysEtlRequests(hosts).total;
        result.requestEfficiency = {
          hostPolicyPairs: pairs,
          policies: hosts.length,
          posturesync: made,
          posturesyncPerTenThousandPairs: requestsPerTenThousandPairs(made, pairs),
          posturesyncModel: posturesyncRequests(hosts).total,
          qualysEtl: etl,
          qualysEtlPerTenThousandPairs: requestsPerTenThousandPairs(etl, pairs),
        };
      }
      return result;
    } finally {
      await simulator.close();
      if (!this.#options.keep) await rm(space.directory, { recursive: true, force: true });
      else this.#log(`  kept ${space.directory}`);
    }
  }

  async #pcrs(scenario: PcrsScenario): Promise<ScenarioResult> {
    const sized = estateForPostureRecords(scenario.records, pcrsShape);
    this.#log(
      `${scenario.name}: ${sized.estate.hosts} hosts x ${sized.estate.policies} policies, ~${sized.expected} posture records`,
    );
    return this.#throughputScenario(
      scenario,
      sized,
      'qualys-pcrs',
      (url) => pcrsConfig(url, { rateLimit: false }),
      `PCRS full sync, default batch settings, rate limit off, ${sized.estate.hosts} hosts`,
    );
  }

  async #pcrsPostgres(scenario: PostgresScenario): Promise<ScenarioResult> {
    return postgresScenario(scenario, {
      log: this.#log,
      keep: this.#options.keep ?? false,
      sync: (label, simulator, input) => this.#sync(label, simulator, input, 'simulator'),
    });
  }

  async #report(scenario: ReportScenario): Promise<ScenarioResult> {
    const format = scenario.kind === 'report-xml' ? 'xml' : 'csv';
    const sized = await estateForReportBytes(scenario.megabytes * 1e6, format, reportShape);
    this.#log(
      `${scenario.name}: ${sized.estate.hosts} hosts, a ~${scenario.megabytes} MB ${format.toUpperCase()} Policy Report`,
    );
    return this.#throughputScenario(
      scenario,
      sized,
      'qualys-pc-report',
      (url) => ({
        apiUrl: url,
        username: defaultCredentials.username,
        password: defaultCredentials.password,
        titlePrefix: 'Bench',
      }),
      `Policy Report ${format.toUpperCase()} (unzipped), ${sized.estate.hosts} hosts, one policy`,
    );
  }

  async #rateLimit(scenario: RateLimitScenario): Promise<ScenarioResult> {
    return rateLimitScenario(scenario, {
      log: this.#log,
      keep: this.#options.keep ?? false,
      sync: (label, simulator, input) => this.#sync(label, simulator, input, 'simulator'),
    });
  }

  async run(): Promise<BenchResults> {
    const started = performance.now();
    const machine = describeMachine();
    const commit = describeCommit(fileURLToPath(new URL('.', import.meta.url)));
    const generatedAt = new Date().toISOString();
    if (this.#options.cpuProfileDir) await mkdir(this.#options.cpuProfileDir, { recursive: true });
    const scenarios: ScenarioResult[] = [];
    for (const scenario of this.#options.scenarios) {
      const result =
        scenario.kind === 'pcrs'
          ? await this.#pcrs(scenario)
          : scenario.kind === 'pcrs-postgres'
            ? await this.#pcrsPostgres(scenario)
            : scenario.kind === 'pcrs-rate-limit'
              ? await this.#rateLimit(scenario)
              : await this.#report(scenario);
      scenarios.push(result);
    }
    const memory = memoryComparison(scenarios);
    const reportMemory = reportMemoryComparisons(scenarios);
    const partial = { scenarios, memory, reportMemory };
    return {
      generatedAt,
      commit,
      profile: this.#options.profile,
      durationMs: performance.now() - started,
      machine,
      scenarios,
      memory,
      reportMemory,
      targets: evaluateTargets(partial),
    };
  }
}

export function runBenchmarks(options: HarnessOptions): Promise<BenchResults> {
  return new Harness(options).run();
}
