import { generateWebhookSecret } from '../../adapters/shared/standard-webhooks';
import type { GenericCaseData } from '../../adapters/generic/generic.types';
import { genericCase, signedGenericPush } from './builders';
import { eventually, type TenantSession, type TestHub } from './test-app';

export interface TicketRef {
  id: string;
  version: number;
  externalId: string;
}

/** A tenant's custom storefront connected to the hub, able to push cases and wait for their tickets. */
export class GenericShop {
  private constructor(
    private readonly hub: TestHub,
    private readonly tenant: TenantSession,
    readonly connectionId: string,
    readonly webhookPath: string,
    readonly secret: string,
  ) {}

  static async connect(hub: TestHub, tenant: TenantSession): Promise<GenericShop> {
    const secret = generateWebhookSecret();
    const created = await hub.http
      .post('/v1/connections')
      .set(tenant.auth)
      .send({ platform: 'generic', name: 'Own shop', shopId: 'own', credentials: { webhookSecret: secret } })
      .expect(201);
    return new GenericShop(hub, tenant, created.body.id, new URL(created.body.webhookUrl).pathname, secret);
  }

  async push(data: GenericCaseData): Promise<void> {
    const signed = signedGenericPush(this.secret, data);
    await this.hub.http.post(this.webhookPath).set(signed.headers).send(signed.body).expect(200);
  }

  /** Pushes a case and waits until its ticket is in the inbox. */
  async ticket(overrides: Partial<GenericCaseData> = {}): Promise<TicketRef> {
    const data = genericCase(overrides);
    await this.push(data);
    return eventually(
      async () => {
        const list = await this.hub.http
          .get('/v1/tickets')
          .query({ q: String(data.externalId) })
          .set(this.tenant.auth);
        return (list.body.data as TicketRef[] | undefined)?.find(
          (ticket) => ticket.externalId === String(data.externalId),
        );
      },
      15_000,
      `ticket ${data.externalId}`,
    );
  }
}
