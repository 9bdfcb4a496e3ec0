#!/usr/bin/env node
import { applyNodeFlags } from './node-flags.ts';

// First, before the CLI loads: may replace this process with one that has the V8 flags (issue 7).
applyNodeFlags();
const { runCli } = await import('./cli.ts');
const { installSignalHandlers } = await import('./signals.ts');
const { clearLiveRegions, printAboveLiveRegions } = await import('./output/live-region.ts');

// `posturesync history | head` closes the pipe early: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const controller = new AbortController();
const removeHandlers = installSignalHandlers({
  controller,
  // Through the live region: a message written past it would leave a stale progress frame behind.
  notify: (message) => printAboveLiveRegions(message, (text) => process.stderr.write(`\n${text}\n`)),
  exit: (code) => {
    clearLiveRegions();
    process.exit(code);
  },
});

/** Asks on the terminal (stderr, so stdout stays clean for --json); only when stdin is one. */
async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: process.stderr.isTTY === true,
  signal: controller.signal,
  ...(process.stdin.isTTY === true ? { confirm } : {}),
});
removeHandlers();
