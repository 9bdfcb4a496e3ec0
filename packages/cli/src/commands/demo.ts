import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { relative } from 'node:path';
import { ConfigError } from '@posturesync/core';
import { SqliteStore } from '@posturesync/store-sqlite';
import type { Command } from 'commander';
import type { ConfigFile } from '../config/load-config.ts';
import { resolveConnectors } from '../config/load-config.ts';
import type { CliContext } from '../context.ts';
import { exitCodes, worstExitCode } from '../exit-codes.ts';
import { suggestedCommand } from '../invocation.ts';
import { renderStatus } from '../output/status-report.ts';
import { renderSyncOutcome } from '../output/sync-summary.ts';
import { type DemoEstate, demoCredentials, demoReportTitlePrefix, startDemoSimulator } from '../simulator.ts';
import type { CommandRunner } from './command-runner.ts';
import { parsePositiveInteger } from './history.ts';
import { topFailingControls } from './status.ts';
import { syncInstances } from './sync-instances.ts';

export const demoDatabase = 'posturesync-demo.db';
export const demoInstances = ['demo-pcrs', 'demo-pc-report'] as const;
const demoPasswordEnv = 'POSTURESYNC_DEMO_PASSWORD';

/**
 * The demo recreates its database each time. Never delete something that is not a demo
 * database: `--db ./posturesync.db` by mistake must not wipe real data.
 */
async function removeOldDemoDatabase(path: string): Promise<void> {
  if (!existsSync(path)) return;
  let foreign: string[] = [];
  try {
    const store = SqliteStore.open(path, { readonly: true });
    try {
      foreign = [...new Set(store.history({ limit: 10_000 }).map((run) => run.instance))].filter(
        (instance) => !(demoInstances as readonly string[]).includes(instance),
      );
    } finally {
      store.close();
    }
  } catch {
    foreign = ['(not a posturesync database)'];
  }
  if (foreign.length > 0)
    throw new ConfigError(
      `${path} exists and is not a posturesync demo database (it holds ${foreign.join(', ')}); the demo recreates its database, so point --db at another file or delete this one yourself`,
      { details: { path, instances: foreign } },
    );
  await Promise.all(
    ['', '-wal', '-shm', '-journal'].map((suffix) => rm(`${path}${suffix}`, { force: true })),
  );
}

/** Both connectors pointed at the simulator, validated through the same path as a real config file. */
function demoConfig(url: string): ConfigFile {
  return {
    file: '(built-in demo config)',
    database: null,
    warnings: [],
    envelope: {
      connectors: [
        {
          name: demoInstances[0],
          type: 'qualys-pcrs',
          gatewayUrl: url,
          username: demoCredentials.username,
          passwordEnv: demoPasswordEnv,
          rateLimit: false,
          evidence: true,
        },
        {
          name: demoInstances[1],
          type: 'qualys-pc-report',
          apiUrl: url,
          username: demoCredentials.username,
          passwordEnv: demoPasswordEnv,
          titlePrefix: demoReportTitlePrefix,
          network: 'demo',
        },
      ],
    },
  };
}

function nextSteps(database: string, context: CliContext): string {
  const shown = relative(context.cwd, database) || database;
  const dbFlag = shown === demoDatabase ? ` --db ${demoDatabase}` : ` --db ${shown}`;
  const { bold } = context.colors;
  const posturesync = suggestedCommand();
  return [
    bold('Next steps'),
    '  Query the data with any SQLite client, e.g. the sqlite3 shell:',
    `    sqlite3 ${shown} "SELECT * FROM v_policy_pass_rate"`,
    `    sqlite3 ${shown} "SELECT * FROM v_failing_controls_by_severity LIMIT 10"`,
    `    sqlite3 ${shown} "SELECT * FROM v_hosts_by_failures LIMIT 10"`,
    '  Look at it with posturesync:',
    `    ${posturesync} status${dbFlag}`,
    `    ${posturesync} history${dbFlag}`,
    '  Connect your own Qualys subscription:',
    `    ${posturesync} init && export QUALYS_PASSWORD="..." && ${posturesync} check`,
  ].join('\n');
}

export function registerDemoCommand(program: Command, run: CommandRunner): void {
  program
    .command('demo')
    .description(
      `start the built-in Qualys simulator, sync both connectors from it into a fresh demo database (--db, default ./${demoDatabase}) and print the summary`,
    )
    .option('--hosts <n>', 'hosts in the simulated estate', parsePositiveInteger, 50)
    .option('--policies <n>', 'compliance policies', parsePositiveInteger, 3)
    .option('--controls <n>', 'controls per policy', parsePositiveInteger, 15)
    .option('--seed <n>', 'seed of the generated estate (same seed, same data)', parsePositiveInteger, 1)
    .action(
      async (
        options: { hosts: number; policies: number; controls: number; seed: number },
        command: Command,
      ) =>
        run(command, async (context) => {
          const database = context.databasePath(null, demoDatabase);
          await removeOldDemoDatabase(database);
          const estate: DemoEstate = {
            seed: options.seed,
            hosts: options.hosts,
            policies: options.policies,
            controlsPerPolicy: options.controls,
          };
          context.redactor.add(demoCredentials.password);
          const simulator = await startDemoSimulator(estate);
          try {
            if (!context.json)
              context.note(
                `Qualys simulator listening on ${simulator.url} (${estate.hosts} hosts, ${estate.policies} policies, ${estate.controlsPerPolicy} controls each, seed ${estate.seed})`,
              );
            const connectors = resolveConnectors(demoConfig(simulator.url), {
              registry: (
                await context.connectorTypes({
                  types: demoConfig(simulator.url).envelope.connectors.map((block) => block.type),
                  configDirectory: context.cwd,
                  plugins: [],
                })
              ).definitions,
              env: { [demoPasswordEnv]: demoCredentials.password },
              redactor: context.redactor,
            });
            const outcomes = await syncInstances(context, connectors, { database, full: true, force: true });
            const exitCode = context.signal.aborted
              ? exitCodes.cancelled
              : worstExitCode(outcomes.map((outcome) => outcome.exitCode));
            const store = SqliteStore.open(database, { readonly: true });
            try {
              const summary = store.summary();
              const topFailing = store.failingControls({ limit: topFailingControls });
              if (context.json) {
                context.out(
                  JSON.stringify({
                    database,
                    simulator: { url: simulator.url, estate },
                    runs: outcomes,
                    status: { ...summary, topFailingControls: topFailing },
                    exitCode,
                  }),
                );
                return exitCode;
              }
              context.out(outcomes.map((outcome) => renderSyncOutcome(outcome, context.colors)).join('\n'));
              context.out('');
              context.out(
                renderStatus(summary, topFailing, { database, colors: context.colors, now: context.now() }),
              );
              context.out('');
              context.out(nextSteps(database, context));
            } finally {
              store.close();
            }
            return exitCode;
          } finally {
            await simulator.close();
          }
        }),
    );
}
