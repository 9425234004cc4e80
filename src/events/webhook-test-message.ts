import { randomUUID } from 'node:crypto';
import type { TestResult } from './webhook-schema.ts';
import { sendWebhook } from './webhook-sender.ts';

/** A one-off signed message so an integrator can check their endpoint and signature code. */
export async function sendTestMessage(
  target: { url: string; secret: string },
  webhookId: string,
  timeoutMs = 10_000,
): Promise<TestResult> {
  const messageId = `test_${randomUUID()}`;
  const timestamp = new Date().toISOString();
  const outcome = await sendWebhook(
    target.url,
    target.secret,
    {
      id: messageId,
      type: 'webhook.test',
      timestamp,
      data: { webhookId, message: 'OrderGrid test message' },
    },
    { timeoutMs },
  );
  return { messageId, ...outcome };
}
