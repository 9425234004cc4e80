import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

export interface ReceivedEvent {
  /** `webhook-id`: the event id. */
  id: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  aggregateSeq: number;
}

/**
 * A local Standard Webhooks receiver: verifies each signature and keeps every delivery in arrival
 * order (redeliveries included), so a test can check that each event arrived, once or more, and
 * each aggregate's events in sequence.
 */
export class WebhookReceiver {
  readonly secret = `whsec_${randomBytes(32).toString('base64')}`;
  readonly arrivals: ReceivedEvent[] = [];
  badSignatures = 0;
  /** How long to hold each delivery before answering (a slow receiver keeps a send in flight). */
  delayMs = 0;
  /** Deliveries received and not answered yet. */
  inFlight = 0;
  private server: Server | undefined;
  private readonly verifier = new Webhook(this.secret);

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          const msg = this.verifier.verify(body, req.headers as Record<string, string>) as {
            type: string;
            data: { aggregateType: string; aggregateId: string; aggregateSeq: number };
          };
          this.arrivals.push({
            id: String(req.headers['webhook-id']),
            type: msg.type,
            aggregateType: msg.data.aggregateType,
            aggregateId: msg.data.aggregateId,
            aggregateSeq: msg.data.aggregateSeq,
          });
          this.inFlight++;
          setTimeout(() => {
            this.inFlight--;
            res.writeHead(204).end();
          }, this.delayMs);
        } catch {
          this.badSignatures++;
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Distinct event ids received. */
  ids(): Set<string> {
    return new Set(this.arrivals.map((a) => a.id));
  }

  /** Deliveries beyond the first of an event (at-least-once: receivers de-duplicate by webhook-id). */
  redeliveries(): number {
    return this.arrivals.length - this.ids().size;
  }

  /** Aggregates whose events first arrived out of their sequence. */
  outOfOrder(): string[] {
    const last = new Map<string, number>();
    const seen = new Set<string>();
    const bad = new Set<string>();
    for (const a of this.arrivals) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      const key = `${a.aggregateType}/${a.aggregateId}`;
      const prev = last.get(key) ?? 0;
      if (a.aggregateSeq <= prev) bad.add(key);
      last.set(key, Math.max(prev, a.aggregateSeq));
    }
    return [...bad];
  }
}
