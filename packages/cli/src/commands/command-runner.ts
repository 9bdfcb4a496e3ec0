import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { ExitCode } from '../exit-codes.ts';

/** Builds the context from the parsed global options, runs the body and records its exit code. */
export type CommandRunner = (
  command: Command,
  body: (context: CliContext) => Promise<ExitCode>,
) => Promise<void>;
