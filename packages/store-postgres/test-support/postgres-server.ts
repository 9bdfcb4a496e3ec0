import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A real PostgreSQL server for tests, started by the tests themselves: `initdb` into a fresh
 * temporary directory, `pg_ctl start` on a free loopback port with the socket in that directory,
 * one database, and everything stopped and removed by `stop()` (or at process exit, if a test
 * run dies first). No mock or in-process imitation stands in for it.
 *
 * PostgreSQL refuses to run as root, and tests (and CI) may run as root: then the server binaries
 * run as an unprivileged user through `runuser` (or `setpriv`), and the temporary directory is
 * handed to that user. Password authentication is on for TCP, so the tests exercise the store's
 * password-from-the-environment path the way a real deployment does.
 */
export interface PostgresServer {
  /** `postgresql://user@127.0.0.1:port/database`: no password in it. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** The superuser's password; hand it to clients through `PGPASSWORD` (see `env`). */
  readonly password: string;
  /** `{ PGPASSWORD }`, to merge into a client's or a child process's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Connection settings for a `pg` client (a connection string would drop a separate password). */
  clientConfig(database?: string): {
    host: string;
    port: number;
    user: string;
    password: string;
    database: string;
  };
  /** Creates another empty database on this server and returns its URL (no password in it). */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (immediate shutdown) and removes its directory. Safe to call twice. */
  stop(): void;
}

export interface StartPostgresOptions {
  /** Name of the database to create; default `posturesync_test`. */
  database?: string;
  /**
   * Keep PostgreSQL's durability settings (fsync, full page writes), as a real server runs: for
   * benchmarks. Tests leave them off (they check a killed client, not an operating-system crash).
   */
  durable?: boolean;
}

const installHint =
  'Install the PostgreSQL server (Debian/Ubuntu: `apt-get install -y postgresql`; `.ci/run` does this when it is missing), ' +
  'or set POSTURESYNC_PG_BIN to the folder holding initdb and pg_ctl.';

/** The folder of `initdb` and `pg_ctl`: POSTURESYNC_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin. */
export function findPostgresBinaries(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.POSTURESYNC_PG_BIN;
  if (configured) {
    if (!existsSync(join(configured, 'initdb')) || !existsSync(join(configured, 'pg_ctl'))) {
      throw new Error(`POSTURESYNC_PG_BIN=${configured} does not hold initdb and pg_ctl. ${installHint}`);
    }
    return configured;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      `PostgreSQL server binaries not found: no ${root}/<version>/bin/initdb on this machine. ${installHint}`,
    );
  }
  return join(root, newest, 'bin');
}

interface RunAs {
  /** Prefix that runs a command as the server's user (empty when we already are one). */
  prefix: string[];
  uid: number | null;
  gid: number | null;
  name: string;
}

function userIds(name: string): { uid: number; gid: number } | null {
  const result = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  if (result.status !== 0) return null;
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  return { uid: Number(result.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

/**
 * How to run the server binaries. Not root: as ourselves. Root: as POSTURESYNC_PG_USER, else
 * `postgres` (the Debian package creates it), else `nobody`, through runuser or setpriv.
 */
function serverUser(env: NodeJS.ProcessEnv): RunAs {
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) return { prefix: [], uid: null, gid: null, name: 'the current user' };
  const candidates = [env.POSTURESYNC_PG_USER, 'postgres', 'nobody'].filter(
    (name): name is string => typeof name === 'string' && name !== '',
  );
  for (const name of candidates) {
    const ids = userIds(name);
    if (!ids || ids.uid === 0) continue;
    if (commandExists('runuser')) return { prefix: ['runuser', '-u', name, '--'], ...ids, name };
    if (commandExists('setpriv')) {
      return {
        prefix: ['setpriv', `--reuid=${ids.uid}`, `--regid=${ids.gid}`, '--clear-groups', '--'],
        ...ids,
        name,
      };
    }
    throw new Error(
      'Tests run as root, and PostgreSQL refuses to: neither runuser nor setpriv (util-linux) is available ' +
        'to run it as an unprivileged user. Install util-linux, or run the tests as a non-root user.',
    );
  }
  throw new Error(
    `Tests run as root, and PostgreSQL refuses to: none of the users ${candidates.join(', ')} exists to run it as. ` +
      'Set POSTURESYNC_PG_USER to an unprivileged user, or install the postgresql package (it creates `postgres`).',
  );
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(runAs: RunAs, command: string, args: string[], cwd: string): void {
  const [file, ...rest] = [...runAs.prefix, command, ...args];
  try {
    execFileSync(file as string, rest, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    const failure = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(
      `${command} ${args[0] ?? ''} failed (as ${runAs.name}): ${(failure.stderr || failure.stdout || failure.message).trim()}`,
    );
  }
}

const running = new Set<() => void>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test run that dies without its afterAll must not leave servers behind.
  process.once('exit', () => {
    for (const stop of [...running]) stop();
  });
}

/** Starts a fresh PostgreSQL server; call `stop()` when done (in afterAll). */
export async function startPostgresServer(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBinaries();
  const runAs = serverUser(process.env);
  const directory = mkdtempSync(join(tmpdir(), 'posturesync-pg-'));
  const dataDirectory = join(directory, 'data');
  const logFile = join(directory, 'server.log');
  const passwordFile = join(directory, 'password');
  const user = 'posturesync';
  const password = randomBytes(18).toString('base64url');
  const database = options.database ?? 'posturesync_test';
  let stopped = false;
  let started = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    running.delete(stop);
    if (started) {
      const [file, ...args] = [
        ...runAs.prefix,
        join(bin, 'pg_ctl'),
        'stop',
        '-D',
        dataDirectory,
        '-m',
        'immediate',
        '-w',
      ];
      spawnSync(file as string, args, { cwd: directory, stdio: 'ignore' });
    }
    rmSync(directory, { recursive: true, force: true });
  };
  running.add(stop);
  installExitHook();
  try {
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (runAs.uid !== null && runAs.gid !== null) {
      chownSync(directory, runAs.uid, runAs.gid);
      chownSync(passwordFile, runAs.uid, runAs.gid);
    }
    run(
      runAs,
      join(bin, 'initdb'),
      [
        '-D',
        dataDirectory,
        '-U',
        user,
        `--pwfile=${passwordFile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '--no-locale',
        '-E',
        'UTF8',
        '--no-sync',
      ],
      directory,
    );
    rmSync(passwordFile, { force: true });
    let port = 0;
    // The free port can be taken between our probe and the server's bind: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const settings = [
        `-p ${port}`,
        `-k ${directory}`,
        "-c listen_addresses='127.0.0.1'",
        // Test servers only: durability against an OS crash is not what these tests check
        // (a killed client is; the server keeps running).
        ...(options.durable ? [] : ['-c fsync=off', '-c full_page_writes=off']),
        '-c max_connections=60',
        '-c shared_buffers=32MB',
      ].join(' ');
      try {
        run(
          runAs,
          join(bin, 'pg_ctl'),
          ['start', '-D', dataDirectory, '-l', logFile, '-w', '-t', '60', '-o', settings],
          directory,
        );
        started = true;
        break;
      } catch (error) {
        if (attempt >= 3) {
          const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
          throw new Error(`${(error as Error).message}\nserver log:\n${log}`);
        }
      }
    }
    const host = '127.0.0.1';
    const urlOf = (name: string) => `postgresql://${user}@${host}:${port}/${name}`;
    const createDatabase = async (name: string): Promise<string> => {
      const client = new pg.Client({ host, port, user, password, database: 'postgres' });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return urlOf(name);
    };
    await createDatabase(database);
    return {
      url: urlOf(database),
      host,
      port,
      user,
      database,
      password,
      env: { PGPASSWORD: password },
      createDatabase,
      clientConfig: (name = database) => ({ host, port, user, password, database: name }),
      stop,
    };
  } catch (error) {
    stop();
    throw error;
  }
}
