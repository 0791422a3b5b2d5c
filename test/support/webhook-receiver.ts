import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  at: number;
  headers: Record<string, string>;
  body: string;
  json: { id: string; type: string; timestamp: string; data: Record<string, unknown> };
}

/**
 * A subscriber's endpoint on 127.0.0.1 that records what it gets and answers what the test scripts
 * (default 204). Signatures are checked with the Standard Webhooks algorithm written out here on purpose,
 * independent of the hub's own code.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly script: { status: number; headers?: Record<string, string> }[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([key, value]) => [key, String(value)]),
        );
        this.received.push({
          at: Date.now(),
          headers,
          body,
          json: JSON.parse(body) as ReceivedWebhook['json'],
        });
        const answer = this.script.shift() ?? { status: 204 };
        res.writeHead(answer.status, answer.headers).end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  }

  /** The next answers, in order; after them, 204. */
  answer(...answers: { status: number; headers?: Record<string, string> }[]): void {
    this.script.push(...answers);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export function standardWebhookSignatures(
  secret: string,
  delivery: ReceivedWebhook,
): { expected: string; sent: string[] } {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const content = `${delivery.headers['webhook-id']}.${delivery.headers['webhook-timestamp']}.${delivery.body}`;
  const expected = `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
  return { expected, sent: delivery.headers['webhook-signature'].split(' ') };
}
