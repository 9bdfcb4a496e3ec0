/** The shape of `.bench-results/results.json`. Times in ms, sizes in bytes, rates per second. */

export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
  nodeVersion: string;
  platform: string;
  arch: string;
  osRelease: string;
  /** 1/5/15-minute load averages when the run started (other work on the machine shows here). */
  loadAverage: number[];
}

/** One child process's own cost (never the simulator's). */
export interface ProcessMeasurement {
  wallMs: number;
  /** user + system CPU time of the measured section. */
  cpuMs: number;
  /** Peak resident set size of the whole child process (`process.resourceUsage().maxRSS`). */
  peakRssBytes: number;
  /** RSS after the modules were loaded, before the measured work. */
  baselineRssBytes: number;
  /** Where the memory was over the run (sync processes only). */
  memory?: MemoryProfile;
  /** V8/Node flags of the sync process (the product's own, plus any experiment's). */
  nodeFlags?: string[];
  /** Node flags and environment the child ran with beyond the defaults (experiments only). */
  variant?: ProcessVariant;
}

/** Extra settings for a measured child process, to attribute memory (`--sync-flag`, `--sync-env`). */
export interface ProcessVariant {
  execArgv: string[];
  env: Record<string, string>;
  /** SQLite `cache_size` pragma value set on the store after it opened (e.g. -8192 = 8 MiB). */
  sqliteCacheSize?: number;
}

/** One reading of a sync process's memory, in bytes; `atMs` since sampling started. */
export interface MemorySample {
  atMs: number;
  rss: number;
  /** Anonymous resident pages (heap, malloc, stacks) from /proc/self/status. */
  rssAnon: number;
  /** File-backed resident pages (code, the mapped SQLite -shm). */
  rssFile: number;
  heapUsed: number;
  heapTotal: number;
  /** V8 heap pages actually resident (`total_physical_size`). */
  heapPhysical: number;
  /** Buffers, ArrayBuffers and other memory V8 knows is held for JS objects. */
  external: number;
  arrayBuffers: number;
  /** V8's own malloc use (not the heap pages). */
  mallocedMemory: number;
  /** rss - heapPhysical - external: code, native allocations (SQLite cache, zlib), free malloc pages. */
  outsideHeap: number;
  databaseBytes: number;
  walBytes: number;
}

export interface MemoryProfile {
  intervalMs: number;
  /** About one a second, thinned by half whenever 600 accumulate. */
  samples: MemorySample[];
  /** Maximum of each field over all samples (each at its own moment). */
  peaks: Record<Exclude<keyof MemorySample, 'atMs'>, number>;
  /** The sample with the highest RSS. */
  atPeakRss: MemorySample;
  heapSizeLimit: number;
  peakMallocedMemory: number;
  heapSpaces: Array<{ name: string; size: number; used: number; physical: number }>;
  /** After the run and a full GC: the live heap and what RSS fell to. */
  afterGc: { heapUsed: number; heapTotal: number; rss: number; external: number } | null;
  sqlite: { pageSize: number; cacheSize: number; pageCount: number; walAutocheckpoint: number } | null;
  /** Resident bytes by mapping kind at the end of the run (Linux /proc/self/smaps). */
  mappings: {
    brkHeap: number;
    anonymous: number;
    anonymousCount: number;
    file: number;
    largestAnonymous: Array<{ size: number; rss: number }>;
  } | null;
}

export interface RecordCounts {
  hosts: number;
  policies: number;
  definitions: number;
  violations: number;
}

export interface ServerCounts {
  /** Requests per endpoint as the server saw them. */
  requests: Record<string, number>;
  total: number;
  rateLimited429: number;
  conflicts409: number;
  /** CPU time the simulator process spent while serving this run. */
  cpuMs: number;
}

export interface SyncMeasurement extends ProcessMeasurement {
  outcome: string;
  counts: RecordCounts;
  /** Violations (posture records / report results) stored per second of wall time. */
  recordsPerSecond: number;
  requests: number;
  retries: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  bytesReceived: number;
  warningCount: number;
  /** Distinct violation rows stored (counts.violations also counts rows re-sent after a retry). */
  storedViolations: number;
  /** The first warnings of the run, to explain retries. */
  warnings: string[];
  server: ServerCounts;
}

export interface FloorMeasurement {
  /** Read + gunzip/unzip + parse of the same bytes. */
  decodeParseMs: number;
  /** One prepared INSERT of the same number of rows of the same width, one transaction. */
  insertMs: number;
  floorMs: number;
  /** CPU time (user + system) of the two floor passes. */
  decodeParseCpuMs: number;
  insertCpuMs: number;
  /** Elements the parse pass saw (records for PCRS; XML elements or CSV rows for reports). */
  parsedItems: number;
  rowsInserted: number;
  /** Bytes the parse pass read (compressed, as served). */
  bytes: number;
  /** Average bytes of a stored violation row, used for the insert floor. */
  rowBytes: number;
  method: string;
}

export interface RequestEfficiency {
  hostPolicyPairs: number;
  policies: number;
  /** Requests the sync made (policy list + hostids + postureInfo; logins excluded on both sides). */
  posturesync: number;
  posturesyncPerTenThousandPairs: number;
  /** What the closed-form model predicts for posturesync (a check on the measured count). */
  posturesyncModel: number;
  qualysEtl: number;
  qualysEtlPerTenThousandPairs: number;
}

export interface RateLimitMeasurement {
  /** The limit the server enforced (the minimum is computed from it). */
  limit: number;
  windowMs: number;
  /** The connector's configured limit when it was higher than the server's (issue 12), else null. */
  configuredLimit: number | null;
  /** Server windows the limited run spanned (totalMs / windowMs, rounded up). */
  windows: number;
  /** Rate-limited requests the sync made (all PCRS calls but the login share the client's window). */
  requests: number;
  postureInfoRequests: number;
  unthrottledMs: number;
  minimumMs: number;
  /** Minimum if the server counts each endpoint separately (the simulator's rule). */
  minimumPerEndpointMs: number;
  totalMs: number;
  /** totalMs / minimumMs: 1.0 is perfect pacing. */
  ratio: number;
  rateLimited429: number;
  conflicts409: number;
}

export type ScenarioKind = 'pcrs' | 'pcrs-postgres' | 'pcrs-rate-limit' | 'report-xml' | 'report-csv';

export interface ScenarioResult {
  name: string;
  kind: ScenarioKind;
  description: string;
  estate: { seed: number; hosts: number; policies: number; controlsPerPolicy: number };
  /** Violations stored. */
  records: number;
  /** Bytes served for the bulk data (gzip for PCRS, the report file for reports). */
  bulkBytes: number;
  /** Against the live simulator (its generation and gzip run in another process). */
  live: SyncMeasurement;
  /** Against a replay of the recorded responses: the sync's own speed. */
  replay?: SyncMeasurement;
  floor?: FloorMeasurement;
  floorRatio?: { live: number; replay: number | null; cpu: number };
  requestEfficiency?: RequestEfficiency;
  rateLimit?: RateLimitMeasurement;
  /** `pcrs-postgres`: the same live sync into SQLite; `live` is the one into PostgreSQL. */
  postgres?: PostgresComparison;
}

export interface PostgresComparison {
  sqlite: SyncMeasurement;
  /** PostgreSQL's stored findings per second / SQLite's (1 = as fast). */
  throughputRatio: number;
  /** PostgreSQL's sync process peak RSS / SQLite's (the server's memory is not in it). */
  peakRssRatio: number;
  /** How the bench's server was set up, for the reader of the numbers. */
  server: string;
}

export interface TargetResult {
  id: string;
  description: string;
  target: string;
  measured: string;
  /** null when the run did not include the scenarios the target needs. */
  pass: boolean | null;
}

/** The checkout a run measured (`git rev-parse HEAD`, and whether tracked files had changes). */
export interface CommitInfo {
  hash: string;
  /** Tracked files differed from the commit: the run measured uncommitted code. */
  dirty: boolean;
}

export interface MemoryComparison {
  small: string;
  large: string;
  smallPeakRssBytes: number;
  largePeakRssBytes: number;
  ratio: number;
}

export interface BenchResults {
  generatedAt: string;
  /** null when git was not available (e.g. a copy without .git). */
  commit: CommitInfo | null;
  profile: string;
  durationMs: number;
  machine: MachineInfo;
  scenarios: ScenarioResult[];
  /** PCRS: largest vs smallest estate. */
  memory: MemoryComparison | null;
  /** Reports: largest vs smallest of each format run at two sizes or more. */
  reportMemory: MemoryComparison[] | null;
  targets: TargetResult[];
}
