import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type ServerProcess, startServer } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = join(root, 'test-results', 'console');

/** Debian's Chromium drives the tests; without it they fail loudly rather than skip. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the console tests need it. Install it with "apt-get install -y chromium" (.ci/run does this).`,
    );
}

/** The server serves web/dist; build it when a checkout has not (npm install's prepare normally has). */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(root, 'web', 'dist', 'index.html'))) return;
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}

export interface ConsoleRig {
  server: ServerProcess;
  browser: Browser;
  adminKey: string;
  /** Calls the API with a key (the admin key by default); throws on a non-2xx answer. */
  api<T = unknown>(method: string, path: string, body?: unknown, key?: string): Promise<T>;
  /** A fresh page at a viewport size that records console errors and page errors. */
  page(viewport: { width: number; height: number }): Promise<{ page: Page; problems: string[] }>;
  close(): Promise<void>;
}

const ADMIN_KEY = 'og_console-test-admin-key-000000000000';

/** A real `ordergrid serve` on a fresh database with the demo network, and a headless Chromium. */
export async function startConsoleRig(): Promise<ConsoleRig> {
  requireChromium();
  ensureConsoleBuilt();
  const database: TestDatabase = await createTestDatabase(2);
  const server = await startServer({
    DATABASE_URL: database.url,
    ORDERGRID_ADMIN_KEY: ADMIN_KEY,
    ORDERGRID_DEMO: 'true',
    DATABASE_POOL_SIZE: '5',
  });
  // launch() gives every run a fresh temporary profile of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(shots, { recursive: true });

  const api = async <T>(method: string, path: string, body?: unknown, key = ADMIN_KEY): Promise<T> => {
    const res = await fetch(server.baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  return {
    server,
    browser,
    adminKey: ADMIN_KEY,
    api,
    async page(viewport) {
      const context = await browser.newContext({ viewport, baseURL: server.baseUrl });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      return { page, problems };
    },
    async close() {
      await browser.close().catch(() => {});
      await server.stop();
      await database.drop();
    },
  };
}

/** Saves a full-page screenshot to test-results/console/NAME.png (not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** Signs in through the form, with the keyboard only: focus the key field, type, press Enter. */
export async function signIn(page: Page, key: string): Promise<void> {
  await page.goto('/console/');
  await page.keyboard.press('Tab');
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** An order to a US ZIP, captured through the API (routed and released at once). */
export function orderBody(
  externalId: string,
  lines: { sku: string; quantity: number }[],
  postalCode = '10001',
) {
  return {
    channel: 'web',
    externalId,
    customer: { name: `Customer ${externalId}` },
    destination: { postalCode, country: 'US' },
    lines: lines.map((l) => ({ ...l, price: 20 })),
  };
}

/** How long `expect.poll` waits for the page to catch up (the machine may be busy with other tests). */
export const within = { timeout: 20_000, interval: 100 };
