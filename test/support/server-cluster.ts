import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { freePort } from './server-process.ts';

export interface ClusterServer {
  child: ChildProcess;
  port: number;
  /** Keep-alive agent: hundreds of concurrent requests must not each open a socket. */
  agent: http.Agent;
  log: string[];
}

export interface CallResult<T = unknown> {
  status: number;
  json: T;
}

/**
 * Several `ordergrid serve` processes on one database, for the multi-process proofs (no oversell,
 * no duplicate order). Each call goes to a chosen process with the admin key.
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
            authorization: `Bearer ${this.adminKey}`,
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, json: (text ? JSON.parse(text) : null) as T });
          });
        },
      );
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
    const port = await freePort();
    const child = spawn(process.execPath, ['bin/ordergrid.mjs', 'serve'], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        ORDERGRID_DEMO: 'false',
        ORDERGRID_ADMIN_KEY: this.adminKey,
        ORDERGRID_WORKER: 'false',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log: string[] = [];
    child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    const server: ClusterServer = {
      child,
      port,
      agent: new http.Agent({ keepAlive: true, maxSockets: this.maxSockets }),
      log,
    };
    this.servers.push(server);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited: ${log.join('')}`);
      try {
        if ((await this.call(server, 'GET', '/health')).status === 200) return server;
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
        ({ child, agent }) =>
          new Promise<void>((resolve) => {
            agent.destroy();
            if (child.exitCode !== null) return resolve();
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
