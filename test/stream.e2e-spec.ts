import { GenericShop } from './support/generic-shop';
import { SseClient } from './support/sse-client';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

interface Envelope {
  id: string;
  type: string;
  timestamp: string;
  data: { ticketId?: string; externalId?: string };
}

/** GET /v1/stream: the tenant's outbox as server-sent events, resumable, for browsers. */
describe('stream: the outbox as server-sent events', () => {
  let hub: TestHub;
  let acme: TenantSession;
  let other: TenantSession;
  let acmeShop: GenericShop;
  let otherShop: GenericShop;
  const open: SseClient[] = [];

  const stream = async (url: string, headers: Record<string, string> = {}) => {
    const client = await SseClient.open(`${hub.url}${url}`, headers);
    open.push(client);
    return client;
  };

  const createdFor = (client: SseClient, externalId: string) =>
    eventually(
      async () =>
        client.events.find(
          (event) =>
            event.event === 'ticket.created' &&
            (JSON.parse(event.data) as Envelope).data.externalId === externalId,
        ),
      20_000,
      `ticket.created of ${externalId} on the stream`,
    );

  beforeAll(async () => {
    hub = await TestHub.start();
    acme = await createTenant(hub, 'Acme');
    other = await createTenant(hub, 'Other');
    acmeShop = await GenericShop.connect(hub, acme);
    otherShop = await GenericShop.connect(hub, other);
  });

  afterAll(async () => {
    for (const client of open) client.close();
    await hub.close();
  });

  it('refuses a stream without a valid key, before sending any event', async () => {
    const none = await stream('/v1/stream');
    expect(none.response.statusCode).toBe(401);
    expect(JSON.parse(await none.text())).toMatchObject({ code: 'UNAUTHENTICATED' });
    const wrong = await stream('/v1/stream?access_token=mah_not-a-key');
    expect(wrong.response.statusCode).toBe(401);
  });

  it("sends the tenant's own events with their sequence id and the webhook body, and no one else's", async () => {
    const client = await stream('/v1/stream', acme.auth);
    expect(client.response.statusCode).toBe(200);
    expect(client.response.headers['content-type']).toMatch(/^text\/event-stream/);
    const viaQuery = await stream(`/v1/stream?access_token=${encodeURIComponent(other.apiKey)}`);
    expect(viaQuery.response.statusCode).toBe(200);

    const theirs = await otherShop.ticket();
    const ours = await acmeShop.ticket();
    const event = await createdFor(client, ours.externalId);
    const envelope = JSON.parse(event.data) as Envelope;
    expect(event.id).toMatch(/^\d+$/);
    expect(envelope).toMatchObject({ type: 'ticket.created', data: { ticketId: ours.id } });
    expect(envelope.id).toMatch(/^[0-9a-f-]{36}$/);
    const [row] = await hub.sql<{ seq: string }>(`SELECT seq::text AS seq FROM outbox_events WHERE id = $1`, [
      envelope.id,
    ]);
    expect(row.seq).toBe(event.id);

    // The other tenant's stream got its own ticket (so the absence below is not a slow run) and not ours.
    await createdFor(viaQuery, theirs.externalId);
    const leaked = (stream: SseClient, ticketId: string) =>
      stream.events.some((item) => (JSON.parse(item.data) as Envelope).data.ticketId === ticketId);
    expect(leaked(client, theirs.id)).toBe(false);
    expect(leaked(viaQuery, ours.id)).toBe(false);
  });

  it('resumes after Last-Event-ID with what happened while disconnected, in order', async () => {
    const first = await stream('/v1/stream', acme.auth);
    const before = await acmeShop.ticket();
    const seen = await createdFor(first, before.externalId);
    first.close();

    const missed = [await acmeShop.ticket(), await acmeShop.ticket()];
    const resumed = await stream('/v1/stream', { ...acme.auth, 'Last-Event-ID': seen.id ?? '' });
    for (const ticket of missed) await createdFor(resumed, ticket.externalId);
    const ids = resumed.events.map((event) => BigInt(event.id ?? '0'));
    expect(ids.every((id) => id > BigInt(seen.id ?? '0'))).toBe(true);
    expect([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      resumed.events.some(
        (event) => (JSON.parse(event.data) as Envelope).data.externalId === before.externalId,
      ),
    ).toBe(false);
  });
});
