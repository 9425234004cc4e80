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

interface Fo {
  id: string;
  nodeId: string;
  status: string;
}
interface OrderView {
  id: string;
  fulfilmentOrders: Fo[];
}

let rig: ConsoleRig;
let toReject: OrderView;
let toShip: OrderView;
let nodeId: string;
let associateKey: string;

beforeAll(async () => {
  rig = await startConsoleRig();
  // Two orders to the same place go to the same node; the associate works that node.
  toReject = await rig.api<OrderView>(
    'POST',
    '/v1/orders',
    orderBody('ASSOC-1', [{ sku: 'APP-BEANIE-BLK', quantity: 1 }], '30303'),
  );
  nodeId = toReject.fulfilmentOrders[0]!.nodeId;
  toShip = await rig.api<OrderView>(
    'POST',
    '/v1/orders',
    orderBody('ASSOC-2', [{ sku: 'APP-BEANIE-BLK', quantity: 1 }], '30303'),
  );
  expect(toShip.fulfilmentOrders[0]!.nodeId).toBe(nodeId);
  ({ key: associateKey } = await rig.api<{ key: string }>('POST', '/v1/keys', {
    name: 'console test associate',
    role: 'associate',
    nodeIds: [nodeId],
  }));
});

afterAll(async () => {
  await rig?.close();
});

describe('console as a store associate on a phone', () => {
  it("lands on the node's queue and sees only what an associate may", async () => {
    const { page, problems } = await rig.page(PHONE);
    await signIn(page, associateKey);
    await page.waitForURL(`**/console/queue/${nodeId}`);
    await expect.poll(() => page.getByTestId('work-card').count(), within).toBe(2);
    // The menu folds away at phone width and opens from its button.
    await page.getByRole('button', { name: 'Menu' }).click();
    const nav = page.getByRole('navigation', { name: 'Views' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Inventory', 'Node queue']);
    await page.getByRole('button', { name: 'Menu' }).click();
    await screenshot(page, 'queue-associate-phone');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('rejects a task with a reason and sees its units routed elsewhere', async () => {
    const { page, problems } = await rig.page(PHONE);
    await signIn(page, associateKey);
    const first = page.getByTestId('work-card').filter({ hasText: toReject.id.slice(0, 8) });
    await first.getByRole('button', { name: 'Reject…' }).click();
    await first.getByLabel('Reason').selectOption('damaged');
    await first.getByLabel('Note (optional)').fill('box crushed');
    await screenshot(page, 'queue-reject-phone');
    await first.getByRole('button', { name: 'Confirm rejection' }).click();
    const announcer = page.getByTestId('announcer');
    await expect
      .poll(() => announcer.textContent(), within)
      .toMatch(/rejected \(damaged\)\. Re-routed: 1 unit placed elsewhere/);
    await expect.poll(() => page.getByTestId('work-card').count(), within).toBe(1);

    const after = await rig.api<OrderView>('GET', `/v1/orders/${toReject.id}`);
    const rejected = after.fulfilmentOrders.find((f) => f.nodeId === nodeId);
    const rerouted = after.fulfilmentOrders.find((f) => f.nodeId !== nodeId);
    expect(rejected?.status).toBe('rejected');
    expect(rerouted?.status).toBe('released');
    expect(problems).toEqual([]);
    await page.context().close();

    // A planner sees the re-route: the second decision, triggered by the rejection, on the map.
    const admin = await rig.page(DESKTOP);
    await signIn(admin.page, rig.adminKey);
    await admin.page.goto(`/console/orders/${toReject.id}`);
    await admin.page.getByTestId('plans').waitFor();
    expect(await admin.page.getByText(/After reject/).count()).toBe(1);
    expect(await admin.page.getByTestId('fulfilment-orders').textContent()).toContain(rerouted!.nodeId);
    await screenshot(admin.page, 'order-rerouted-desktop');
    expect(admin.problems).toEqual([]);
    await admin.page.context().close();
  });

  it('accepts, picks, packs and ships the other task', async () => {
    const { page, problems } = await rig.page(PHONE);
    await signIn(page, associateKey);
    const work = page.getByTestId('work-card').filter({ hasText: toShip.id.slice(0, 8) });
    const step = async (button: string, status: string) => {
      await work.getByRole('button', { name: button, exact: true }).click();
      await expect.poll(() => work.locator('.badge').textContent(), within).toBe(status);
    };
    await step('Accept', 'accepted');
    await step('Start picking', 'picking');
    await step('Packed', 'packed');
    await work.getByRole('button', { name: 'Ship…' }).click();
    await work.getByLabel('Tracking number').fill('1Z999');
    await work.getByRole('button', { name: 'Confirm shipment' }).click();
    await expect
      .poll(() => page.getByTestId('announcer').textContent(), within)
      .toContain('shipped with UPS 1Z999');
    await expect.poll(() => page.getByTestId('work-card').count(), within).toBe(0);
    const after = await rig.api<OrderView>('GET', `/v1/orders/${toShip.id}`);
    expect(after.fulfilmentOrders[0]!.status).toBe('shipped');
    await page.getByLabel('Done').check();
    await expect.poll(() => page.getByTestId('work-card').count(), within).toBe(1);
    await screenshot(page, 'queue-done-phone');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
