import { describe, expect, it } from 'vitest';
import { nodeFlags, relaunchArguments, relaunchOptOut } from './node-flags.ts';

const base = {
  execPath: '/usr/bin/node',
  execArgv: [] as string[],
  argv: ['/usr/bin/node', '/opt/posturesync/bin.ts', 'sync', '--full'],
  env: {} as Record<string, string | undefined>,
  canExecve: true,
};

describe('relaunchArguments', () => {
  it('issue 7: relaunches once with a capped young generation, keeping flags and arguments', () => {
    expect(nodeFlags).toEqual(['--max-semi-space-size=16', '--heap-growing-percent=100']);
    expect(relaunchArguments({ ...base, execArgv: ['--enable-source-maps'] })).toEqual([
      '/usr/bin/node',
      '--enable-source-maps',
      '--max-semi-space-size=16',
      '--heap-growing-percent=100',
      '/opt/posturesync/bin.ts',
      'sync',
      '--full',
    ]);
  });

  it('issue 7: does not relaunch the relaunched process (no loop)', () => {
    const args = relaunchArguments(base) ?? [];
    const execArgv = args.slice(1, args.indexOf('/opt/posturesync/bin.ts'));
    expect(relaunchArguments({ ...base, execArgv })).toBeNull();
  });

  it("issue 7: a user's own value of a flag wins, on the command line or in NODE_OPTIONS", () => {
    const own = ['--max-semi-space-size=64', '--heap-growing-percent=300'];
    expect(relaunchArguments({ ...base, execArgv: own })).toBeNull();
    expect(
      relaunchArguments({ ...base, execArgv: ['--max-semi-space-size', '64', '--heap-growing-percent=300'] }),
    ).toBeNull();
    expect(
      relaunchArguments({ ...base, env: { NODE_OPTIONS: `--trace-warnings  ${own.join(' ')}` } }),
    ).toBeNull();
    // Only the missing flag is added.
    expect(relaunchArguments({ ...base, execArgv: ['--max-semi-space-size=64'] })).toEqual([
      '/usr/bin/node',
      '--max-semi-space-size=64',
      '--heap-growing-percent=100',
      '/opt/posturesync/bin.ts',
      'sync',
      '--full',
    ]);
  });

  it('issue 7: opted out, or a Node without process.execve, runs as it is', () => {
    expect(relaunchArguments({ ...base, env: { [relaunchOptOut]: '0' } })).toBeNull();
    expect(relaunchArguments({ ...base, canExecve: false })).toBeNull();
    expect(relaunchArguments({ ...base, env: { [relaunchOptOut]: '1' } })).not.toBeNull();
  });
});
