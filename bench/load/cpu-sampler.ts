import { readFileSync } from 'node:fs';
import pg from 'pg';

/** Linux clock ticks per second (USER_HZ): 100 on every mainstream kernel build. */
const TICKS = 100;

interface ProcCpu {
  /** utime + stime, ticks. */
  cpu: number;
  /** Start time after boot, ticks. */
  started: number;
}

function readProc(pid: number): ProcCpu | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name (which may hold spaces): utime, stime and starttime are fields 14, 15, 22.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { cpu: Number(f[11]) + Number(f[12]), started: Number(f[19]) };
  } catch {
    return undefined;
  }
}

function uptimeTicks(): number {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * TICKS;
}

export interface CpuUse {
  /** CPU time of the server processes, ms. */
  appMs: number;
  /** CPU time of the database's PostgreSQL processes, ms; null when they are not on this machine. */
  dbMs: number | null;
  /** CPU time of the load generator, ms (it shares the machine). */
  clientMs: number;
  wallMs: number;
}

/** CPU time used by a set of processes since `begin`, counting processes that start meanwhile. */
class ProcessSet {
  private readonly seen = new Map<number, { base: number; last: number }>();
  private since = 0;

  begin(pids: number[]): void {
    this.seen.clear();
    this.since = uptimeTicks();
    this.observe(pids);
  }

  observe(pids: number[]): void {
    for (const pid of pids) {
      const p = readProc(pid);
      if (!p) continue;
      const known = this.seen.get(pid);
      if (known) known.last = p.cpu;
      // A process started during the window used all its CPU in it; an older one only what follows.
      else this.seen.set(pid, { base: p.started >= this.since ? 0 : p.cpu, last: p.cpu });
    }
  }

  ms(): number {
    let ticks = 0;
    for (const { base, last } of this.seen.values()) ticks += last - base;
    return (ticks * 1000) / TICKS;
  }

  get size(): number {
    return this.seen.size;
  }
}

/**
 * Samples, while load runs, the CPU time of the server processes and of the PostgreSQL processes
 * that serve the bench database: its backends (and autovacuum workers) from pg_stat_activity, plus
 * the cluster's background processes (WAL writer, checkpointer, background writer), which every
 * database on the cluster shares. Backends come and go, so the list is refreshed every second.
 */
export class CpuSampler {
  private readonly app = new ProcessSet();
  private readonly db = new ProcessSet();
  private readonly client = new ProcessSet();
  private admin: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private started = 0;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly appPids: () => number[],
    private readonly clientPid: number,
    private readonly serverUrl: string,
    private readonly database: string,
  ) {}

  async open(): Promise<void> {
    // On the maintenance database, so this connection's own backend is not counted.
    this.admin = new pg.Client({ connectionString: this.serverUrl });
    await this.admin.connect();
  }

  private async dbPids(): Promise<number[]> {
    const { rows } = await this.admin!.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 OR datname IS NULL',
      [this.database],
    );
    return rows.map((r) => r.pid);
  }

  private async sample(): Promise<void> {
    this.app.observe(this.appPids());
    this.client.observe([this.clientPid]);
    this.db.observe(await this.dbPids());
  }

  async start(): Promise<void> {
    this.started = performance.now();
    this.app.begin(this.appPids());
    this.client.begin([this.clientPid]);
    this.db.begin(await this.dbPids());
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample()).catch(() => undefined);
    }, 1_000);
  }

  async stop(): Promise<CpuUse> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample();
    return {
      appMs: this.app.ms(),
      dbMs: this.db.size > 0 ? this.db.ms() : null,
      clientMs: this.client.ms(),
      wallMs: performance.now() - this.started,
    };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.admin?.end();
  }
}
