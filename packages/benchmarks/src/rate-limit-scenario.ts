import { rm } from 'node:fs/promises';
import { estateForPostureCalls } from './estate-sizing.ts';
import { pcrsConfig } from './pcrs-config.ts';
import { rateLimitMinimumMs } from './ratios.ts';
import type { ScenarioResult, SyncMeasurement } from './result-types.ts';
import type { ScenarioRunOptions } from './scenario-run-options.ts';
import { type RateLimitScenario, rateLimitShape } from './scenarios.ts';
import { startSimulatorProcess } from './simulator-handle.ts';
import { workspace } from './workspace.ts';

/**
 * Issue 12: the same PCRS estate synced without and with the rate limit; the limited run is
 * compared with the server's own minimum time (no client could finish faster unrefused).
 */
export async function rateLimitScenario(
  scenario: RateLimitScenario,
  options: ScenarioRunOptions,
): Promise<ScenarioResult> {
  const sized = estateForPostureCalls(scenario.requests, scenario.batchSize, rateLimitShape);
  const server = scenario.serverLimit ?? scenario.limit;
  const windowMs = server.perSeconds * 1000;
  const lower = scenario.serverLimit !== undefined;
  options.log(
    `${scenario.name}: ${sized.estate.hosts} hosts, batch ${scenario.batchSize}, limit ${scenario.limit.requests}/${scenario.limit.perSeconds} s${lower ? `, server ${server.requests}/${server.perSeconds} s` : ''}`,
  );
  const space = await workspace(scenario.name);
  const run = async (limited: boolean): Promise<SyncMeasurement> => {
    const simulator = await startSimulatorProcess({
      estate: sized.estate,
      pcrsRateLimit: limited ? { requests: server.requests, perMs: windowMs } : false,
      reports: [],
      directory: space.file('recordings'),
    });
    try {
      return await options.sync(`${scenario.name} ${limited ? 'limited' : 'unthrottled'}`, simulator, {
        connector: 'qualys-pcrs',
        config: pcrsConfig(simulator.url, {
          batchSize: scenario.batchSize,
          rateLimit: limited ? scenario.limit : false,
        }),
        databasePath: space.file(limited ? 'limited.db' : 'unthrottled.db'),
      });
    } finally {
      await simulator.close();
    }
  };
  try {
    const unthrottled = await run(false);
    const limited = await run(true);
    const counted = limited.server.requests;
    const postureInfo = counted.postureInfo ?? 0;
    const requests = (counted.policyList ?? 0) + (counted.hostids ?? 0) + postureInfo;
    // The server's own minimum: no client could finish faster without being refused.
    const model = { limit: server.requests, windowMs, unthrottledMs: unthrottled.wallMs };
    const minimumMs = rateLimitMinimumMs({ ...model, requests });
    const minimumPerEndpointMs = rateLimitMinimumMs({ ...model, requests: postureInfo });
    return {
      name: scenario.name,
      kind: scenario.kind,
      description: lower
        ? `PCRS, server limit lower than configured (server ${server.requests} / ${server.perSeconds} s, connector ${scenario.limit.requests} / ${scenario.limit.perSeconds} s), batch ${scenario.batchSize} hosts`
        : `PCRS with the rate limit on (${scenario.limit.requests} requests / ${scenario.limit.perSeconds} s on simulator and connector), batch ${scenario.batchSize} hosts`,
      estate: sized.estate,
      records: limited.storedViolations,
      bulkBytes: limited.bytesReceived,
      live: limited,
      rateLimit: {
        limit: server.requests,
        windowMs,
        configuredLimit: lower ? scenario.limit.requests : null,
        windows: Math.max(1, Math.ceil(limited.wallMs / windowMs)),
        requests,
        postureInfoRequests: postureInfo,
        unthrottledMs: unthrottled.wallMs,
        minimumMs,
        minimumPerEndpointMs,
        totalMs: limited.wallMs,
        ratio: limited.wallMs / minimumMs,
        rateLimited429: limited.server.rateLimited429,
        conflicts409: limited.server.conflicts409,
      },
    };
  } finally {
    if (!options.keep) await rm(space.directory, { recursive: true, force: true });
  }
}
