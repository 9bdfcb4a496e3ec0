#!/usr/bin/env node
import { isPostureSyncError } from '@posturesync/core';
import { parseSimulatorArguments, simulatorUsage } from './cli-arguments.ts';
import { defaultCredentials } from './handlers/runtime.ts';
import { startQualysSimulator } from './server/start-qualys-simulator.ts';

async function main(): Promise<void> {
  const parsed = parseSimulatorArguments(process.argv.slice(2));
  if (parsed.help) {
    process.stdout.write(`${simulatorUsage}\n`);
    return;
  }
  const { options } = parsed;
  const simulator = await startQualysSimulator(options);
  const credentials = options.credentials ?? defaultCredentials;
  const estate = simulator.state.estate;
  process.stdout.write(
    [
      `Qualys simulator listening on ${simulator.url}`,
      `  gateway (PCRS, /auth):   ${simulator.url}`,
      `  classic API v2:          ${simulator.url}/api/2.0/fo/`,
      `  username: ${credentials.username}`,
      // A throwaway local credential: printing it is how a contributor learns it.
      `  password: ${credentials.password}`,
      `  estate: ${estate.options.hosts} hosts, ${estate.options.policies} policies, ${estate.options.controlsPerPolicy} controls/policy, seed ${estate.options.seed}, ${estate.postureRecordCount()} posture records`,
      `  policies: ${estate
        .policies()
        .map((policy) => `${policy.id} (${policy.status})`)
        .join(', ')}`,
      `  reports: ${simulator.state.reports.map((report) => `${report.id} ${report.title} [${report.state}]`).join('; ')}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `qualys-simulator: ${isPostureSyncError(error) || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(isPostureSyncError(error) ? 2 : 1);
});
