/**
 * `pnpm bench`: syncs seeded simulator estates of several sizes through the real engine, measures
 * the floors in the same run, and writes `.bench-results/results.json` and `results.md`.
 * Exits 0 even when a target is missed (benchmarks report; they do not gate) unless --strict.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPostureSyncError } from '@posturesync/core';
import { parseBenchArguments, usage } from './cli-arguments.ts';
import { runBenchmarks } from './harness.ts';
import { renderProfileSummaries, summariseProfiles } from './profile-summary.ts';
import { renderReadmeBlock } from './readme-table.ts';
import { renderResultsMarkdown } from './render-table.ts';
import { buildScenarios, selectScenarios } from './scenarios.ts';
import { verdict } from './targets.ts';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

async function main(argv: string[]): Promise<number> {
  const args = parseBenchArguments(argv[0] === '--' ? argv.slice(1) : argv);
  if (args.help) {
    process.stdout.write(usage);
    return 0;
  }
  const all = buildScenarios(args.scales);
  if (args.list) {
    for (const scenario of all) process.stdout.write(`${scenario.name}\n`);
    return 0;
  }
  const scenarios = selectScenarios(all, args.scenarios);
  const outDir = path.resolve(args.outDir ?? path.join(repositoryRoot, '.bench-results'));
  await mkdir(outDir, { recursive: true });
  const profileDir = args.cpuProfile ? path.join(outDir, `profiles-${Date.now()}`) : null;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`posturesync bench (${args.profile}): ${scenarios.map((scenario) => scenario.name).join(', ')}`);
  if (args.syncVariant) log(`  sync processes: ${JSON.stringify(args.syncVariant)}`);
  if (args.nodeDefaults) log('  sync processes: Node default V8 flags (--node-defaults)');
  const results = await runBenchmarks({
    scenarios,
    profile: args.profile,
    cpuProfileDir: profileDir,
    keep: args.keep,
    ...(args.syncVariant ? { syncVariant: args.syncVariant } : {}),
    nodeDefaults: args.nodeDefaults,
    log,
  });
  let markdown = renderResultsMarkdown(results);
  markdown += `\n## README table (\`pnpm bench:readme\` copies this block into README.md)\n\n${renderReadmeBlock(results)}\n`;
  if (profileDir)
    markdown += `\n## CPU profiles (${profileDir})\n\n${renderProfileSummaries(await summariseProfiles(profileDir))}`;
  await writeFile(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(path.join(outDir, 'results.md'), markdown);
  process.stdout.write(`\n${markdown}\n`);
  for (const target of results.targets) {
    process.stdout.write(
      `${verdict(target.pass)}  ${target.description}: ${target.measured} (goal ${target.target})\n`,
    );
  }
  process.stdout.write(`\nWrote ${path.join(outDir, 'results.json')} and results.md\n`);
  const missed = results.targets.some((target) => target.pass === false);
  return args.strict && missed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${isPostureSyncError(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
