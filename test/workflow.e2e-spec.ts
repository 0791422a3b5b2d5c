import { GenericShop } from './support/generic-shop';
import { createTenant, TestHub, type TenantSession } from './support/test-app';

interface TimelineEntry {
  type: string;
  actor: { type: string; id: string | null };
  data: Record<string, unknown>;
}

describe('agent workflow: status, assignment, notes, replies, CSAT', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  let shop: GenericShop;
  let agent: { Authorization: string };
  let agentKeyId: string;

  beforeAll(async () => {
    hub = await TestHub.start();
    tenant = await createTenant(hub);
    shop = await GenericShop.connect(hub, tenant);
    const key = await hub.http
      .post('/v1/api-keys')
      .set(tenant.auth)
      .send({ role: 'agent', name: 'Mei' })
      .expect(201);
    agent = { Authorization: `Bearer ${key.body.key}` };
    agentKeyId = key.body.id;
  });

  afterAll(() => hub.close());

  const detail = async (id: string) => hub.http.get(`/v1/tickets/${id}`).set(agent).expect(200);

  it('hands out an ETag led by the version and needs it back in If-Match', async () => {
    const ticket = await shop.ticket();
    const read = await detail(ticket.id);
    expect(read.headers.etag).toMatch(new RegExp(`^"${read.body.version}\\.[0-9a-f]{16}"$`));
    const missing = await hub.http
      .patch(`/v1/tickets/${ticket.id}`)
      .set(agent)
      .send({ status: 'open' })
      .expect(428);
    expect(missing.body.code).toBe('PRECONDITION_REQUIRED');
    const updated = await hub.http
      .patch(`/v1/tickets/${ticket.id}`)
      .set(agent)
      .set('If-Match', read.headers.etag)
      .send({ status: 'open', assigneeId: 'mei', tags: ['vip', 'fragile'] })
      .expect(200);
    expect(updated.body).toMatchObject({
      status: 'open',
      assigneeId: 'mei',
      tags: ['vip', 'fragile'],
      version: read.body.version + 1,
    });
    expect(updated.headers.etag).toBe(`"${read.body.version + 1}"`);
  });

  it('changes the ETag with a note though the version stays, so a revalidating cache never keeps a stale view', async () => {
    const ticket = await shop.ticket();
    const read = await detail(ticket.id);
    const etag = read.headers.etag as string;
    await hub.http.get(`/v1/tickets/${ticket.id}`).set(agent).set('If-None-Match', etag).expect(304);
    await hub.http.post(`/v1/tickets/${ticket.id}/notes`).set(agent).send({ text: '等仓库回复' }).expect(201);
    const again = await hub.http
      .get(`/v1/tickets/${ticket.id}`)
      .set(agent)
      .set('If-None-Match', etag)
      .expect(200);
    expect(again.body.version).toBe(read.body.version);
    expect(again.headers.etag).not.toBe(etag);
    expect((again.body.timeline as { type: string }[]).map((entry) => entry.type)).toContain('note.added');
    await hub.http
      .get(`/v1/tickets/${ticket.id}`)
      .set(agent)
      .set('If-None-Match', again.headers.etag as string)
      .expect(304);
    // A note is no conflict: the ETag read before it still edits the ticket, and the edit changes it again.
    const edited = await hub.http
      .patch(`/v1/tickets/${ticket.id}`)
      .set(agent)
      .set('If-Match', etag)
      .send({ status: 'open' })
      .expect(200);
    expect(edited.body.version).toBe(read.body.version + 1);
    await hub.http
      .patch(`/v1/tickets/${ticket.id}`)
      .set(agent)
      .set('If-Match', again.headers.etag as string)
      .send({ status: 'pending' })
      .expect(412);
    await hub.http
      .patch(`/v1/tickets/${ticket.id}`)
      .set(agent)
      .set('If-Match', '"abc"')
      .send({ status: 'pending' })
      .expect(400);
  });

  it('refuses a stale version with 412 and the current version', async () => {
    const ticket = await shop.ticket();
    const read = await detail(ticket.id);
    await hub.http
      .patch(`/v1/tickets/${ticket.id}`)
      .set(agent)
      .set('If-Match', read.headers.etag)
      .send({ status: 'open' })
      .expect(200);
    const stale = await hub.http
      .patch(`/v1/tickets/${ticket.id}`)
      .set(agent)
      .set('If-Match', read.headers.etag)
      .send({ status: 'pending' })
      .expect(412);
    expect(stale.body).toMatchObject({
      code: 'PRECONDITION_FAILED',
      details: { currentVersion: read.body.version + 1 },
    });
  });

  it('lets only one of two agents editing the same version win', async () => {
    const ticket = await shop.ticket();
    const read = await detail(ticket.id);
    const results = await Promise.all(
      ['alice', 'bob'].map((assigneeId) =>
        hub.http
          .patch(`/v1/tickets/${ticket.id}`)
          .set(agent)
          .set('If-Match', read.headers.etag)
          .send({ assigneeId }),
      ),
    );
    expect(results.map((result) => result.status).sort()).toEqual([200, 412]);
  });

  it('follows the status workflow and says which moves are allowed', async () => {
    const ticket = await shop.ticket();
    let version = (await detail(ticket.id)).body.version as number;
    const move = (status: string) =>
      hub.http.patch(`/v1/tickets/${ticket.id}`).set(agent).set('If-Match', `"${version}"`).send({ status });
    const wrong = await move('closed').expect(409);
    expect(wrong.body).toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { from: 'new', allowed: ['open', 'pending', 'solved'] },
    });
    for (const status of ['open', 'pending', 'solved', 'closed', 'open']) {
      const response = await move(status).expect(200);
      version = response.body.version;
      expect(response.body.status).toBe(status);
    }
  });

  it('puts every change, note and CSAT on the timeline with its actor, in order', async () => {
    const ticket = await shop.ticket();
    const read = await detail(ticket.id);
    await hub.http
      .patch(`/v1/tickets/${ticket.id}`)
      .set(agent)
      .set('If-Match', read.headers.etag)
      .send({ assigneeId: 'mei', department: 'quality', severity: 'high' })
      .expect(200);
    await hub.http
      .post(`/v1/tickets/${ticket.id}/notes`)
      .set(agent)
      .send({ text: '已联系仓库核实' })
      .expect(201);
    await hub.http
      .post(`/v1/tickets/${ticket.id}/csat`)
      .set(agent)
      .send({ score: 5, comment: '很满意' })
      .expect(200);
    const timeline = (await detail(ticket.id)).body.timeline as TimelineEntry[];
    const agentEntries = timeline.filter((entry) => entry.actor.type === 'agent');
    expect(agentEntries.map((entry) => entry.type)).toEqual([
      'ticket.assigned',
      'ticket.department_changed',
      'ticket.severity_changed',
      'note.added',
    ]);
    expect(agentEntries.every((entry) => entry.actor.id === agentKeyId)).toBe(true);
    expect(agentEntries[0].data).toEqual({ from: null, to: 'mei' });
    expect(timeline[timeline.length - 1]).toMatchObject({
      type: 'csat.recorded',
      data: { score: 5, comment: '很满意' },
    });
  });

  it('validates workflow input', async () => {
    const ticket = await shop.ticket();
    const read = await detail(ticket.id);
    const bad = await hub.http
      .patch(`/v1/tickets/${ticket.id}`)
      .set(agent)
      .set('If-Match', read.headers.etag)
      .send({ status: 'done', severity: 'urgent', tags: ['ok', 'not ok'] })
      .expect(400);
    expect((bad.body.details as { field: string }[]).map((detail) => detail.field)).toEqual(
      expect.arrayContaining(['status', 'severity', 'tags']),
    );
    await hub.http.post(`/v1/tickets/${ticket.id}/csat`).set(agent).send({ score: 6 }).expect(400);
    await hub.http.post(`/v1/tickets/${ticket.id}/notes`).set(agent).send({ text: '' }).expect(400);
  });

  it('answers 422 to a reply on a platform that cannot message the buyer', async () => {
    const ticket = await shop.ticket();
    const response = await hub.http
      .post(`/v1/tickets/${ticket.id}/replies`)
      .set(agent)
      .send({ text: '您好' })
      .expect(422);
    expect(response.body.message).toContain('cannot send message');
  });

  it('keeps viewers to reading', async () => {
    const ticket = await shop.ticket();
    const viewer = await hub.http.post('/v1/api-keys').set(tenant.auth).send({ role: 'viewer' }).expect(201);
    const auth = { Authorization: `Bearer ${viewer.body.key}` };
    await hub.http.get(`/v1/tickets/${ticket.id}`).set(auth).expect(200);
    await hub.http.post(`/v1/tickets/${ticket.id}/notes`).set(auth).send({ text: 'x' }).expect(403);
    await hub.http
      .post(`/v1/tickets/${ticket.id}/actions`)
      .set(auth)
      .send({ type: 'approve_refund' })
      .expect(403);
  });
});
