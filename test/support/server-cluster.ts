import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { freePort, TEST_SECRET_KEY } from './server-process.ts';

export interface ClusterServer {
  child: ChildProcess;
  port: number;
  /** Keep-alive agent: hundreds of concurrent requests must not each open a socket. */
  agent: http.Agent;
  log: string[];
  /** What it was started with, so `restart` can start it again the same way. */
  databaseUrl: string;
  env: Record<string, string>;
  /** False from a kill until the restarted process answers /health. */
  up: boolean;
  /** Exits that no kill or stop asked for (a crash of the process itself). */
  unexpectedExits: number;
}

export interface CallResult<T = unknown> {
  status: number;
  json: T;
  headers: http.IncomingHttpHeaders;
}

export interface CallOptions {
  /** Abort the request after this long (rejects with code ETIMEDOUT). */
  timeoutMs?: number;
  /** Another key instead of the cluster's admin key. */
  key?: string;
}

/**
 * Several `ordergrid serve` processes on one database, for the multi-process proofs (no oversell,
 * no duplicate order, crash safety). Each call goes to a chosen process with the admin key; a
 * process can be killed and restarted in place (same slot, new port).
 */
export class ServerCluster {
  readonly servers: ClusterServer[] = [];

  constructor(
    private readonly adminKey: string,
    private readonly maxSockets = 64,
  ) {}

  call<T = unknown>(
    server: ClusterServer,
    method: string,
    path: string,
    body?: unknown,
    options: CallOptions = {},
  ): Promise<CallResult<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          method,
          path,
          agent: server.agent,
          headers: {
            authorization: `Bearer ${options.key ?? this.adminKey}`,
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          // A process killed mid-response aborts the body: a failed call, never an uncaught error.
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({
                status: res.statusCode ?? 0,
                json: (text ? JSON.parse(text) : null) as T,
                headers: res.headers,
              });
            } catch (err) {
              reject(err);
            }
          });
        },
      );
      if (options.timeoutMs !== undefined) {
        req.setTimeout(options.timeoutMs, () =>
          req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })),
        );
      }
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** Starts one more process on `databaseUrl` and waits for /health (workers off, no demo data). */
  async start(
    databaseUrl: string,
    env: Record<string, string> = {},
    timeoutMs = 120_000,
  ): Promise<ClusterServer> {
    const server: ClusterServer = {
      child: undefined as unknown as ChildProcess,
      port: 0,
      agent: new http.Agent(),
      log: [],
      databaseUrl,
      env,
      up: false,
      unexpectedExits: 0,
    };
    this.servers.push(server);
    await this.spawn(server, timeoutMs);
    return server;
  }

  /** SIGKILL (by default) one process and wait until it has gone; its requests in flight fail. */
  async kill(server: ClusterServer, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    server.up = false;
    const { child } = server;
    const exited =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve(child.exitCode)
        : new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    const code = await exited;
    server.agent.destroy();
    return code;
  }

  /** Starts a killed (or exited) process again in its slot, on a new port, with the same settings. */
  async restart(server: ClusterServer, timeoutMs = 120_000): Promise<void> {
    if (server.child.exitCode === null && server.child.signalCode === null)
      throw new Error(`server on ${server.port} is still running`);
    await this.spawn(server, timeoutMs);
  }

  private async spawn(server: ClusterServer, timeoutMs: number): Promise<void> {
    const port = await freePort();
    const child = spawn(process.execPath, ['bin/ordergrid.mjs', 'serve'], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        DATABASE_URL: server.databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        ORDERGRID_DEMO: 'false',
        ORDERGRID_ADMIN_KEY: this.adminKey,
        ORDERGRID_SECRET_KEY: TEST_SECRET_KEY,
        ORDERGRID_WORKER: 'false',
        LOG_LEVEL: 'warn',
        ...server.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { log } = server;
    child.once('exit', () => {
      if (server.up) server.unexpectedExits++;
      server.up = false;
    });
    child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    Object.assign(server, {
      child,
      port,
      agent: new http.Agent({ keepAlive: true, maxSockets: this.maxSockets }),
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited: ${log.join('')}`);
      try {
        if ((await this.call(server, 'GET', '/health')).status === 200) {
          server.up = true;
          return;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`server on ${port} did not start: ${log.join('')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** SIGTERM every process (SIGKILL after 5 s) and wait for all of them to exit. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            const { child, agent } = server;
            server.up = false;
            agent.destroy();
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
