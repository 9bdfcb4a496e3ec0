import type { PassRatePoint } from '@posturesync/engine';
import type { Command } from 'commander';
import { exitCodes } from '../exit-codes.ts';
import { formatPercent } from '../output/format.ts';
import { sparkline } from '../output/sparkline.ts';
import { renderTable } from '../output/table.ts';
import { terminalText } from '../output/terminal-text.ts';
import type { CommandRunner } from './command-runner.ts';
import { databaseForReading, openStoreForReading } from './open-store.ts';

/** The `--json` shape of one point (issue 14): keep these keys stable, scripts read them. */
export function trendJson(point: PassRatePoint) {
  return {
    instance: point.instance,
    policyUid: point.policyUid,
    policyTitle: point.policyTitle,
    runId: point.runId,
    at: point.at,
    passed: point.passed,
    failed: point.failed,
    error: point.error,
    total: point.total,
    passRate: point.passRate,
  };
}

interface PolicyTrend {
  instance: string;
  policyUid: string;
  policyTitle: string | null;
  points: PassRatePoint[];
}

function groupByPolicy(points: readonly PassRatePoint[]): PolicyTrend[] {
  const groups = new Map<string, PolicyTrend>();
  for (const point of points) {
    const key = JSON.stringify([point.instance, point.policyUid]);
    let group = groups.get(key);
    if (!group) {
      group = {
        instance: point.instance,
        policyUid: point.policyUid,
        policyTitle: point.policyTitle,
        points: [],
      };
      groups.set(key, group);
    }
    group.points.push(point);
  }
  return [...groups.values()];
}

function signedPoints(delta: number): string {
  const points = delta * 100;
  if (Math.abs(points) < 0.05) return '±0.0 pt';
  return `${points > 0 ? '+' : ''}${points.toFixed(1)} pt`;
}

export const trendWidth = 30;

export function registerTrendCommand(program: Command, run: CommandRunner): void {
  program
    .command('trend')
    .description('pass rate per policy per run, with a sparkline per policy')
    .option('--policy <id>', 'only this policy')
    .option('--connector <name>', 'only this connector instance')
    .action(async (options: { policy?: string; connector?: string }, command: Command) =>
      run(command, async (context) => {
        const database = await databaseForReading(context);
        const store = await openStoreForReading(database, context.env);
        try {
          const points = await store.passRateTrend({
            ...(options.connector === undefined ? {} : { instance: options.connector }),
            ...(options.policy === undefined ? {} : { policyUid: options.policy }),
          });
          if (context.json) {
            context.out(JSON.stringify({ database, trend: points.map(trendJson) }));
            return exitCodes.success;
          }
          const { colors } = context;
          context.out(
            renderTable(
              groupByPolicy(points),
              [
                { header: 'INSTANCE', value: (group) => terminalText(group.instance) },
                { header: 'POLICY', value: (group) => terminalText(group.policyUid) },
                { header: 'TITLE', value: (group) => terminalText(group.policyTitle ?? '') },
                { header: 'RUNS', value: (group) => String(group.points.length), align: 'right' },
                {
                  header: `PASS RATE (last ${trendWidth} runs)`,
                  value: (group) =>
                    colors.cyan(
                      sparkline(
                        group.points.map((point) => point.passRate),
                        trendWidth,
                      ),
                    ),
                },
                {
                  header: 'FIRST',
                  value: (group) => formatPercent(group.points[0]?.passRate ?? 0),
                  align: 'right',
                },
                {
                  header: 'LATEST',
                  value: (group) => formatPercent(group.points.at(-1)?.passRate ?? 0),
                  align: 'right',
                },
                {
                  header: 'CHANGE',
                  value: (group) => {
                    const delta = (group.points.at(-1)?.passRate ?? 0) - (group.points[0]?.passRate ?? 0);
                    const text = signedPoints(delta);
                    return delta > 0.0005 ? colors.green(text) : delta < -0.0005 ? colors.red(text) : text;
                  },
                  align: 'right',
                },
              ],
              'no posture snapshots yet: every finished sync records one (run `posturesync sync`)',
            ),
          );
          return exitCodes.success;
        } finally {
          await store.close();
        }
      }),
    );
}
