import { ConfigError } from '@posturesync/core';
import { countLabel, megabytesLabel } from './scale.ts';

/** Estate shapes: several policies so hostids batching and cross-policy slicing take part. */
export const pcrsShape = { seed: 7, policies: 6, controlsPerPolicy: 30 } as const;
export const reportShape = { seed: 7, policies: 3, controlsPerPolicy: 30 } as const;
export const rateLimitShape = { seed: 7, policies: 3, controlsPerPolicy: 10 } as const;

export interface PcrsScenario {
  kind: 'pcrs';
  name: string;
  records: number;
}

/** Issue 17: the same PCRS estate synced into SQLite and into PostgreSQL, one after the other. */
export interface PostgresScenario {
  kind: 'pcrs-postgres';
  name: string;
  records: number;
}

export interface RateLimitScenario {
  kind: 'pcrs-rate-limit';
  name: string;
  /** About this many postureInfo calls. */
  requests: number;
  /** Host IDs per call: small, so the run is rate-bound rather than data-bound. */
  batchSize: number;
  limit: { requests: number; perSeconds: number };
  /**
   * The limit the simulator enforces when it is lower than the connector's `limit` (another tool
   * shares the subscription, issue 12); absent: the simulator enforces `limit` too.
   */
  serverLimit?: { requests: number; perSeconds: number };
}

export interface ReportScenario {
  kind: 'report-xml' | 'report-csv';
  name: string;
  megabytes: number;
}

export type Scenario = PcrsScenario | PostgresScenario | RateLimitScenario | ReportScenario;

export interface ScaleOptions {
  pcrsRecords: number[];
  /** PCRS sizes synced into PostgreSQL next to SQLite (a server the bench starts); empty skips. */
  postgresRecords: number[];
  reportMegabytes: number[];
  reportFormats: Array<'xml' | 'csv'>;
  rateLimit: { requests: number; perSeconds: number };
  rateLimitCalls: number;
  rateLimitBatchSize: number;
  /** The server's own limit in the "limit lower than configured" scenario; null skips it. */
  lowerServerLimit: { requests: number; perSeconds: number } | null;
}

export const quickScales: ScaleOptions = {
  pcrsRecords: [100_000, 1_000_000],
  postgresRecords: [100_000],
  reportMegabytes: [100],
  reportFormats: ['xml', 'csv'],
  // Qualys' 25 per 60 s with the window scaled down 10x, so a bench spans several windows fast.
  rateLimit: { requests: 25, perSeconds: 6 },
  rateLimitCalls: 100,
  rateLimitBatchSize: 20,
  // The connector keeps 25 / 6 s while the server allows only 15 in the same window.
  lowerServerLimit: { requests: 15, perSeconds: 6 },
};

export const fullScales: ScaleOptions = {
  ...quickScales,
  pcrsRecords: [100_000, 1_000_000, 5_000_000],
  postgresRecords: [1_000_000],
  reportMegabytes: [100, 1000],
};

export function buildScenarios(scales: ScaleOptions): Scenario[] {
  const scenarios: Scenario[] = [];
  for (const records of [...scales.pcrsRecords].sort((a, b) => a - b)) {
    scenarios.push({ kind: 'pcrs', name: `pcrs-${countLabel(records)}`, records });
  }
  for (const records of [...scales.postgresRecords].sort((a, b) => a - b)) {
    scenarios.push({ kind: 'pcrs-postgres', name: `pcrs-postgres-${countLabel(records)}`, records });
  }
  if (scales.rateLimitCalls > 0) {
    scenarios.push({
      kind: 'pcrs-rate-limit',
      name: 'pcrs-rate-limit',
      requests: scales.rateLimitCalls,
      batchSize: scales.rateLimitBatchSize,
      limit: scales.rateLimit,
    });
    if (scales.lowerServerLimit) {
      scenarios.push({
        kind: 'pcrs-rate-limit',
        name: 'pcrs-limit-lower-than-configured',
        requests: scales.rateLimitCalls,
        batchSize: scales.rateLimitBatchSize,
        limit: scales.rateLimit,
        serverLimit: scales.lowerServerLimit,
      });
    }
  }
  for (const megabytes of [...scales.reportMegabytes].sort((a, b) => a - b)) {
    for (const format of scales.reportFormats) {
      scenarios.push({
        kind: `report-${format}`,
        name: `report-${format}-${megabytesLabel(megabytes)}`,
        megabytes,
      });
    }
  }
  return scenarios;
}

/** Keeps the named scenarios, in the order given; an unknown name lists the known ones. */
export function selectScenarios(all: readonly Scenario[], names: readonly string[]): Scenario[] {
  if (names.length === 0) return [...all];
  return names.map((name) => {
    const found = all.find((scenario) => scenario.name === name);
    if (!found) {
      throw new ConfigError(
        `Unknown scenario "${name}". This profile has: ${all.map((scenario) => scenario.name).join(', ')} (--full adds the large ones).`,
      );
    }
    return found;
  });
}
