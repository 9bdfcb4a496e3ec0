/**
 * `pnpm bench:readme [results.md] [README.md]`: copies the benchmark block of the last
 * `pnpm bench` run (`.bench-results/results.md`) into the README between its markers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractReadmeBlock, replaceReadmeBlock } from './readme-table.ts';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

async function main(argv: string[]): Promise<void> {
  const [from, to] = argv[0] === '--' ? argv.slice(1) : argv;
  const resultsFile = path.resolve(from ?? path.join(repositoryRoot, '.bench-results', 'results.md'));
  const readmeFile = path.resolve(to ?? path.join(repositoryRoot, 'README.md'));
  const block = extractReadmeBlock(await readFile(resultsFile, 'utf8'));
  if (block === null) throw new Error(`${resultsFile} has no README block: rerun \`pnpm bench\``);
  await writeFile(readmeFile, replaceReadmeBlock(await readFile(readmeFile, 'utf8'), block));
  process.stdout.write(`Updated the benchmark table of ${readmeFile} from ${resultsFile}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
