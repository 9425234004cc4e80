import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A throwaway database on the local server, and an `ordergrid serve` child process on it. */
export interface BenchServer {
  /** The child's process id (its CPU time, and its workers', is read from /proc). */
  pid: number;
  baseUrl: string;
  databaseUrl: string;
  adminKey: string;
  stop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

async function admin<T>(serverUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function startBenchServer(
  serverUrl: string,
  options: { logLevel: string; log: (m: string) => void; workers?: number },
): Promise<BenchServer> {
  const name = `og_bench_availability_${Date.now().toString(36)}`;
  await admin(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const databaseUrl = withDatabase(serverUrl, name);
  const port = await freePort();
  const adminKey = `og_bench_${randomBytes(24).toString('base64url')}`;
  let child: ChildProcess | undefined;
  const drop = () => admin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  try {
    // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server.
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    child = spawn(process.execPath, [...nodeArgs, join(root, 'bin', 'ordergrid.mjs'), 'serve'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        ORDERGRID_ADMIN_KEY: adminKey,
        ORDERGRID_DEMO: 'true',
        ORDERGRID_WORKER: 'false',
        LOG_LEVEL: options.logLevel,
        ORDERGRID_WORKERS: String(options.workers ?? 1),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise<never>((_, reject) =>
      child?.once('exit', (code) => reject(new Error(`ordergrid serve exited with ${code}`))),
    );
    exited.catch(() => undefined);
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 120_000;
    options.log(`waiting for ordergrid serve on ${baseUrl} (migrations, demo seed)...`);
    for (;;) {
      const ok = await Promise.race([
        fetch(`${baseUrl}/ready`).then(
          (r) => r.ok,
          () => false,
        ),
        exited,
      ]);
      if (ok) break;
      if (Date.now() > deadline) throw new Error('ordergrid serve did not become ready in 120 s');
      await new Promise((r) => setTimeout(r, 250));
    }
    const proc = child;
    return {
      pid: proc.pid ?? 0,
      baseUrl,
      databaseUrl,
      adminKey,
      async stop() {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
        await drop();
      },
    };
  } catch (err) {
    child?.kill('SIGKILL');
    await drop();
    throw err;
  }
}

function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/**
 * CPU time (user + system) a process and its live child processes (the workers of
 * `serve --workers N`) have used so far, in ms (Linux /proc; 0 elsewhere).
 */
export function cpuMs(pid: number): number {
  let children: number[] = [];
  try {
    const list = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    children = list ? list.split(' ').map(Number) : [];
  } catch {
    // no such file: count the process alone
  }
  return children.reduce((sum, child) => sum + processCpuMs(child), processCpuMs(pid));
}
