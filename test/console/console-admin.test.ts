import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleRig,
  DESKTOP,
  orderBody,
  PHONE,
  screenshot,
  signIn,
  startConsoleRig,
  within,
} from './console-harness.ts';

let rig: ConsoleRig;
let desktop: { page: Page; problems: string[] };
let orderId: string;

beforeAll(async () => {
  rig = await startConsoleRig();
  // A few orders so the overview, map and order list have something to show.
  const created = await Promise.all(
    [
      orderBody('CON-1001', [{ sku: 'APP-BEANIE-BLK', quantity: 2 }], '10001'),
      orderBody('CON-1002', [{ sku: 'APP-BEANIE-GRY', quantity: 1 }], '60601'),
      orderBody('CON-1003', [{ sku: 'APP-HOODIE-BLK-M', quantity: 1 }], '94103'),
    ].map((o) => rig.api<{ id: string; externalId: string }>('POST', '/v1/orders', o)),
  );
  orderId = created[0]!.id;
  desktop = await rig.page(DESKTOP);
});

afterAll(async () => {
  await rig?.close();
});

async function onBothWidths(name: string, path: string, ready: (p: Page) => Promise<unknown>): Promise<void> {
  await screenshot(desktop.page, `${name}-desktop`);
  const phone = await rig.page(PHONE);
  await signIn(phone.page, rig.adminKey);
  await phone.page.goto(path);
  await ready(phone.page);
  await screenshot(phone.page, `${name}-phone`);
  // Nothing may be wider than the phone: no sideways scrolling of the page itself.
  const overflow = Number(
    await phone.page.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
  );
  expect(overflow, `${name} scrolls sideways at phone width`).toBeLessThanOrEqual(0);
  expect(phone.problems).toEqual([]);
  await phone.page.context().close();
}

describe('console as an admin', () => {
  it('serves the app at /console and signs in with the keyboard', async () => {
    const page = desktop.page;
    await signIn(page, rig.adminKey);
    await expect.poll(() => page.getByTestId('role').textContent(), within).toContain('admin');
    for (const view of [
      'Overview',
      'Network map',
      'Inventory',
      'Orders',
      'Node queue',
      'Policies',
      'Settings',
    ])
      expect(await page.getByRole('link', { name: view, exact: true }).count(), view).toBe(1);
    // The overview counts today's orders from the event log.
    const orders = page
      .locator('.kpi')
      .filter({ has: page.locator('.kpi-label', { hasText: /^Orders$/ }) })
      .locator('.kpi-value');
    await expect.poll(() => orders.textContent(), within).toBe('3');
    await page.locator('.chart').first().waitFor();
    await onBothWidths('overview', '/console/', (p) => p.locator('.kpi').first().waitFor());
    expect(desktop.problems).toEqual([]);
  });

  it('finds an order and shows its routing explanation on the map', async () => {
    const page = desktop.page;
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByLabel('Order number or id').fill('CON-1001');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'CON-1001' }).click();
    await page.getByRole('heading', { name: /Order CON-1001/ }).waitFor();
    const plans = page.getByTestId('plans');
    await plans.waitFor();
    expect(await plans.locator('tbody tr').first().textContent()).toContain('Chosen');
    expect(await plans.locator('tbody tr').count()).toBeGreaterThan(1);
    expect(await page.locator('.explanation svg .flow-chosen').count()).toBeGreaterThan(0);
    expect(await page.locator('.explanation svg .pt-dest').count()).toBe(1);
    expect(await page.locator('ol.timeline li').first().textContent()).toContain('order.created');
    expect(page.url()).toContain(`/console/orders/${orderId}`);
    await onBothWidths('order-explanation', `/console/orders/${orderId}`, (p) =>
      p.getByTestId('plans').waitFor(),
    );
    // A reload keeps the view (the server answers index.html for the app's own paths).
    await page.reload();
    await page.getByTestId('plans').waitFor();
    expect(desktop.problems).toEqual([]);
  });

  it("changes a node's status in settings", async () => {
    const page = desktop.page;
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByLabel('Status of ST-BOS-01').selectOption('paused');
    await page.getByLabel('Daily capacity of ST-BOS-01 (empty: no limit)').fill('30');
    await page.getByRole('button', { name: 'Save ST-BOS-01' }).click();
    await expect
      .poll(() => page.getByTestId('announcer').textContent(), within)
      .toContain('ST-BOS-01 saved: paused');
    const node = await rig.api<{ status: string; dailyCapacity: number }>('GET', '/v1/nodes/ST-BOS-01');
    expect(node).toMatchObject({ status: 'paused', dailyCapacity: 30 });
    await onBothWidths('settings', '/console/settings', (p) => p.getByTestId('nodes-table').waitFor());
    expect(desktop.problems).toEqual([]);
  });

  it('edits a draft policy and tries it on recent orders', async () => {
    const page = desktop.page;
    await page.getByRole('link', { name: 'Policies', exact: true }).click();
    await page.getByRole('heading', { name: /Active: default/ }).waitFor();
    await page
      .getByLabel('Policy document (JSON, without id and version)')
      .fill(
        JSON.stringify(
          { description: 'Prefer fewer, slower packages', dayCost: 0, maxShipments: 1 },
          null,
          2,
        ),
      );
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect
      .poll(() => page.getByTestId('announcer').textContent(), within)
      .toMatch(/Draft v\d+ of default saved/);
    await page.getByRole('button', { name: 'Try draft' }).click();
    const trial = page.getByTestId('trial');
    await trial.waitFor();
    expect(await trial.textContent()).toMatch(/Draft against active on 3 recent orders/);
    expect(await trial.locator('tbody tr').count()).toBe(6);
    // Trying changes nothing: the active version is still the first one.
    const policy = await rig.api<{ active: { version: number } }>('GET', '/v1/policies/default');
    expect(policy.active.version).toBe(1);
    await onBothWidths('policies', '/console/policies', (p) =>
      p.getByRole('heading', { name: /Draft v/ }).waitFor(),
    );
    expect(desktop.problems).toEqual([]);
  });

  it('shows the network map and a sku at every node', async () => {
    const page = desktop.page;
    await page.getByRole('link', { name: 'Network map', exact: true }).click();
    const nodes = await rig.api<{ items: unknown[] }>('GET', '/v1/nodes?limit=500');
    await expect.poll(() => page.locator('svg circle.node').count(), within).toBe(nodes.items.length);
    await expect.poll(() => page.locator('svg path.flow').count(), within).toBe(3);
    await onBothWidths('network-map', '/console/map', (p) => p.locator('svg circle.node').first().waitFor());

    await page.getByRole('link', { name: 'Inventory', exact: true }).click();
    await page.getByLabel('SKU or name').fill('APP-BEANIE-BLK');
    await page.getByRole('button', { name: 'Search' }).click();
    const positions = page.getByTestId('sku-positions');
    await positions.waitFor();
    expect(await positions.locator('tbody tr').count()).toBeGreaterThan(1);
    await positions.locator('tbody tr').first().getByRole('button').click();
    await page.getByTestId('movements').waitFor();
    await page.getByTestId('heatmap').waitFor();
    await onBothWidths('inventory', '/console/inventory?sku=APP-BEANIE-BLK', (p) =>
      p.getByTestId('sku-positions').waitFor(),
    );
    expect(desktop.problems).toEqual([]);
  });
});
