import type { MarketplaceSandbox } from '../../adapters/contract';
import { eventually, type TestHub, type TenantSession } from './test-app';

/** Connects the tenant to a running sandbox, named after its platform; returns the connection id. */
export async function connectSandbox(
  hub: TestHub,
  tenant: TenantSession,
  sandbox: MarketplaceSandbox,
): Promise<string> {
  const created = await hub.http
    .post('/v1/connections')
    .set(tenant.auth)
    .send({
      platform: sandbox.platform,
      name: sandbox.platform,
      shopId: sandbox.shopId,
      credentials: sandbox.credentials,
      apiBaseUrl: sandbox.url,
    })
    .expect(201);
  return created.body.id as string;
}

/**
 * Syncs the connection until a ticket for this external id is in the inbox (found through `q`), and returns it
 * once `check` passes.
 */
export function pulledTicket<T extends { id: string; externalId: string }>(
  hub: TestHub,
  tenant: TenantSession,
  connectionId: string,
  externalId: string,
  check: (ticket: T) => boolean | Promise<boolean> = () => true,
  timeoutMs = 30_000,
): Promise<T> {
  return eventually(
    async () => {
      await hub.http.post(`/v1/connections/${connectionId}/sync`).set(tenant.auth).expect(202);
      const list = await hub.http.get('/v1/tickets').query({ q: externalId }).set(tenant.auth).expect(200);
      const found = (list.body.data as T[]).find((ticket) => ticket.externalId === externalId);
      return found && (await check(found)) ? found : undefined;
    },
    timeoutMs,
    `the ticket of ${externalId}`,
  );
}
