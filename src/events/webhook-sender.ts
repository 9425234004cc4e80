import http from 'node:http';
import https from 'node:https';
import { Webhook as Signer } from 'standardwebhooks';
import type { Event } from './event-schema.ts';

export interface WebhookMessage {
  /** `webhook-id`: the event id, stable across retries and replays, for de-duplication. */
  id: string;
  type: string;
  /** ISO time of the event (the body's `timestamp`). */
  timestamp: string;
  data: Event | Record<string, unknown>;
}

export interface SendOutcome {
  ok: boolean;
  responseCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface SendOptions {
  timeoutMs: number;
  /** Signing time; the receiver rejects timestamps more than 5 min away from its clock. */
  now?: Date;
}

// Connections are kept open between deliveries to the same receiver.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/** One POST; resolves with the status (redirects are not followed), rejects on network errors and timeouts. */
function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(
      u,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: u.protocol === 'https:' ? agents['https:'] : agents['http:'],
        timeout: timeoutMs,
      },
      (res) => {
        res.resume(); // the body is not used; draining it frees the connection
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    // One deadline for the whole exchange, not only for idle sockets.
    const timer = setTimeout(() => req.destroy(new TimeoutError(timeoutMs)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('timeout', () => req.destroy(new TimeoutError(timeoutMs)));
    req.on('error', reject);
    req.end(body);
  });
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

/** The body and the Standard Webhooks headers of one message. */
export function signedRequest(
  secret: string,
  message: WebhookMessage,
  now: Date,
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({ type: message.type, timestamp: message.timestamp, data: message.data });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'OrderGrid-Webhooks/1',
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Signer(secret).sign(message.id, now, body),
    },
  };
}

/**
 * POSTs one signed message. 2xx is success; anything else (redirects included: we deliver only to
 * the URL given) is a failure to retry. Never throws.
 */
export async function sendWebhook(
  url: string,
  secret: string,
  message: WebhookMessage,
  options: SendOptions,
): Promise<SendOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const { body, headers } = signedRequest(secret, message, options.now ?? new Date());
    const status = await post(url, body, headers, options.timeoutMs);
    const ok = status >= 200 && status < 300;
    return { ok, responseCode: status, durationMs: elapsed(), error: ok ? null : `HTTP ${status}` };
  } catch (err) {
    const e = err as Error & { code?: string };
    const reason = err instanceof TimeoutError ? e.message : (e.code ?? e.message);
    return { ok: false, responseCode: null, durationMs: elapsed(), error: String(reason).slice(0, 500) };
  }
}
