import { eventually, type TenantSession, type TestHub } from './test-app';
import { WebhookReceiver, type ReceivedWebhook } from './webhook-receiver';

export interface ConnectionState {
  status: string;
  sync: { lastError: string | null };
}

/** A subscriber's endpoint for `events`, registered for the tenant; stop it when done. */
export async function subscribedReceiver(
  hub: TestHub,
  tenant: TenantSession,
  events: string[],
): Promise<WebhookReceiver> {
  const receiver = new WebhookReceiver();
  await receiver.start();
  await hub.http
    .post('/v1/webhook-subscriptions')
    .set(tenant.auth)
    .send({ url: receiver.url, events })
    .expect(201);
  return receiver;
}

/**
 * Watches the connections of one developer app while the platform refuses the app's credentials and accepts
 * them again: their status and sync error, and the `connection.sync_failed` webhooks the tenant gets.
 */
export class AppRefusalWatch {
  private constructor(
    private readonly hub: TestHub,
    private readonly tenant: TenantSession,
    readonly connectionIds: string[],
    private readonly receiver: WebhookReceiver,
  ) {}

  static async start(hub: TestHub, tenant: TenantSession, connectionIds: string[]): Promise<AppRefusalWatch> {
    const receiver = await subscribedReceiver(hub, tenant, ['connection.sync_failed']);
    return new AppRefusalWatch(hub, tenant, connectionIds, receiver);
  }

  states(): Promise<ConnectionState[]> {
    return Promise.all(
      this.connectionIds.map(async (id) => {
        const got = await this.hub.http.get(`/v1/connections/${id}`).set(this.tenant.auth).expect(200);
        return got.body as ConnectionState;
      }),
    );
  }

  /** Every connection in `error`: their states. */
  allInError(): Promise<ConnectionState[]> {
    return eventually(
      async () => {
        const current = await this.states();
        return current.every((row) => row.status === 'error') ? current : undefined;
      },
      30_000,
      'every connection of the app in error',
    );
  }

  /** Every connection `active` with no sync error. */
  allActive(timeoutMs: number): Promise<true> {
    return eventually(
      async () =>
        (await this.states()).every((row) => row.status === 'active' && row.sync.lastError === null)
          ? true
          : undefined,
      timeoutMs,
      'every connection of the app active again',
    );
  }

  failed(): ReceivedWebhook[] {
    return this.receiver.received.filter((hook) => hook.json.type === 'connection.sync_failed');
  }

  /** Waits for one `connection.sync_failed` per connection; the connections they name, sorted. */
  async failedOncePerConnection(): Promise<string[]> {
    await eventually(
      async () => (this.failed().length >= this.connectionIds.length ? true : undefined),
      30_000,
      'the sync_failed webhooks',
    );
    return this.failed()
      .map((hook) => String(hook.json.data.connectionId))
      .sort();
  }

  stop(): Promise<void> {
    return this.receiver.stop();
  }
}
