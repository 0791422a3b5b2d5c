import { generateWebhookSecret } from '../adapters/shared/standard-webhooks';
import type { GenericCaseData } from '../adapters/generic/generic.types';
import { genericCase, signedGenericPush, slaPolicies } from './support/builders';
import { OwnRedis } from './support/redis-server';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

interface TicketBody {
  id: string;
  externalId: string;
  category: string;
  severity: string;
  department: string;
  assigneeId: string | null;
  createdAt: string;
  sla: {
    policy: string | null;
    firstResponseDueAt: string | null;
    resolutionDueAt: string | null;
    state: string;
  };
  timeline: { type: string; data: Record<string, unknown> }[];
}

interface OutboxRow {
  type: string;
  payload: Record<string, unknown>;
}

interface Shop {
  tenant: TenantSession;
  push(data: GenericCaseData): Promise<void>;
  ticket(externalId: string): Promise<TicketBody>;
}

/** One real second is one SLA hour, and lost timers are looked for every half second. */
const HUB_ENV = { HUB_SLA_TIME_SCALE: '3600', HUB_SLA_SWEEP_INTERVAL_MS: '500' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('classification, routing, SLA clocks and escalation', () => {
  let redis: OwnRedis;
  let hub: TestHub;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    hub = await TestHub.start({ REDIS_URL: redis.url, ...HUB_ENV });
  });

  afterAll(async () => {
    await hub.close();
    await redis.down();
  });

  /** A tenant of its own with a generic connection, so each test sets its own rules and policies. */
  const openShop = async (policies = slaPolicies()): Promise<Shop> => {
    const tenant = await createTenant(hub);
    await hub.http.put('/v1/sla-policies').set(tenant.auth).send(policies).expect(200);
    const secret = generateWebhookSecret();
    const created = await hub.http
      .post('/v1/connections')
      .set(tenant.auth)
      .send({ platform: 'generic', name: 'Own shop', shopId: 'own', credentials: { webhookSecret: secret } })
      .expect(201);
    const path = new URL(created.body.webhookUrl).pathname;
    const ticket = async (externalId: string): Promise<TicketBody> => {
      const found = await eventually(async () => {
        const list = await hub.http.get('/v1/tickets').query({ q: externalId }).set(tenant.auth).expect(200);
        return (list.body.data as TicketBody[]).find((candidate) => candidate.externalId === externalId);
      });
      return (await hub.http.get(`/v1/tickets/${found.id}`).set(tenant.auth).expect(200)).body as TicketBody;
    };
    return {
      tenant,
      ticket,
      push: async (data) => {
        const signed = signedGenericPush(secret, data);
        await hub.http.post(path).set(signed.headers).send(signed.body).expect(200);
      },
    };
  };

  const outbox = (ticketId: string) =>
    hub.sql<OutboxRow>(
      `SELECT type, payload FROM outbox_events WHERE ticket_id = $1 ORDER BY created_at, id`,
      [ticketId],
    );
  const count = (rows: OutboxRow[], type: string) => rows.filter((row) => row.type === type).length;

  describe('the settings API', () => {
    it('serves the default rules and policies until the tenant saves its own', async () => {
      const tenant = await createTenant(hub);
      const rules = await hub.http.get('/v1/routing-rules').set(tenant.auth).expect(200);
      expect(rules.body).toMatchObject({ source: 'default', updatedAt: null });
      expect(rules.body.rules.map((rule: { name: string }) => rule.name)).toEqual([
        'critical cases',
        'complaints',
        'service complaints',
        'quality',
        'logistics',
        'payment',
        'account',
        'returns and exchanges',
      ]);
      expect(rules.body.thresholds.incident).toEqual({ tickets: 5, windowMinutes: 60 });
      const policies = await hub.http.get('/v1/sla-policies').set(tenant.auth).expect(200);
      expect(policies.body).toMatchObject({
        source: 'default',
        platformDeadlineMarginMinutes: 60,
        policies: {
          critical: { firstResponseMinutes: 60, resolutionMinutes: 120, businessHours: null },
          low: { firstResponseMinutes: 1440, resolutionMinutes: 4320 },
        },
      });
    });

    it('replaces the rules with a validated list and rejects unknown fields with clear messages', async () => {
      const tenant = await createTenant(hub);
      const put = (body: object) => hub.http.put('/v1/routing-rules').set(tenant.auth).send(body);
      const unknown = await put({
        rules: [{ name: 'red', when: { colour: 'red' }, then: { department: 'quality' } }],
      }).expect(400);
      expect(unknown.body.code).toBe('VALIDATION_FAILED');
      expect(unknown.body.message).toContain('rules.0.when.colour: property colour should not exist');
      const badAssignee = await put({
        rules: [{ name: 'rr', when: {}, then: { assignee: { roundRobin: [], extra: 1 } } }],
      }).expect(400);
      expect(badAssignee.body.message).toContain('rules.0.then.assignee: assignee must be an agent id or');
      const badRange = await put({
        rules: [
          {
            name: 'range',
            when: { amount: { currency: 'CNY', min: '200', max: '100' } },
            then: { tags: ['x'] },
          },
        ],
      }).expect(400);
      expect(badRange.body.details).toEqual([
        { field: 'rules.0.when.amount', problems: ['min must not be greater than max'] },
      ]);
      const saved = await put({
        rules: [
          {
            name: 'VIP quality',
            when: { vip: true, category: ['quality'], amount: { currency: 'CNY', min: '100.00' } },
            then: {
              department: 'quality',
              severity: 'high',
              tags: ['vip'],
              assignee: { roundRobin: ['a', 'b'] },
            },
          },
        ],
        thresholds: {
          criticalAmounts: [{ amount: '800.00', currency: 'CNY' }],
          incident: { tickets: 3, windowMinutes: 30 },
        },
      }).expect(200);
      expect(saved.body).toMatchObject({ source: 'tenant', rules: [{ name: 'VIP quality' }] });
      const read = await hub.http.get('/v1/routing-rules').set(tenant.auth).expect(200);
      expect(read.body.rules[0].then.assignee).toEqual({ roundRobin: ['a', 'b'] });
      expect(read.body.thresholds.incident).toEqual({ tickets: 3, windowMinutes: 30 });
    });

    it('replaces the SLA policies, checking time zones, hours and targets', async () => {
      const tenant = await createTenant(hub);
      const put = (body: object) => hub.http.put('/v1/sla-policies').set(tenant.auth).send(body);
      const withHours = (businessHours: unknown) => {
        const body = slaPolicies({ low: [60, 600] });
        return { ...body, policies: { ...body.policies, low: { ...body.policies.low, businessHours } } };
      };
      const bad = await put(
        withHours({ timezone: 'Mars/Olympus', weekdays: [1], start: '18:00', end: '09:00' }),
      ).expect(400);
      expect(bad.body.details.map((detail: { field: string }) => detail.field)).toEqual([
        'policies.low.businessHours.timezone',
        'policies.low.businessHours.end',
      ]);
      await put({ policies: { critical: { firstResponseMinutes: 60, resolutionMinutes: 120 } } }).expect(400);
      const saved = await put({
        ...withHours({ timezone: 'Asia/Shanghai', weekdays: [5, 1, 2, 3, 4], start: '09:00', end: '18:00' }),
        holidays: ['2026-01-01'],
      }).expect(200);
      expect(saved.body).toMatchObject({
        source: 'tenant',
        holidays: ['2026-01-01'],
        policies: { low: { businessHours: { weekdays: [1, 2, 3, 4, 5] } } },
      });
    });
  });

  describe('on the ingest path', () => {
    it('classifies English and Chinese text, routes by the default rules and puts the rule on the timeline', async () => {
      const shop = await openShop();
      const english = genericCase({
        reason: 'Parcel never arrived and tracking has not moved',
        reasonCode: null,
      });
      const threat = genericCase({ reason: '杯子破损，再不退款我就打12315投诉', kind: 'refund_only' });
      const vip = genericCase({
        reason: '尺码不合适',
        kind: 'exchange',
        buyer: { externalId: 'b-9', displayName: '王**', vip: true },
      });
      for (const item of [english, threat, vip]) await shop.push(item);

      const logistics = await shop.ticket(String(english.externalId));
      expect(logistics).toMatchObject({ category: 'logistics', severity: 'normal', department: 'logistics' });
      expect(logistics.timeline.map((entry) => entry.type)).toEqual(['ticket.created', 'routing.applied']);
      expect(logistics.timeline[1].data).toMatchObject({
        categorySource: 'keywords',
        keywords: ['never arrived', 'tracking'],
        rules: [{ index: 4, name: 'logistics', set: ['department'] }],
        sla: { policy: 'normal' },
      });
      expect(logistics.sla.policy).toBe('normal');

      const critical = await shop.ticket(String(threat.externalId));
      expect(critical).toMatchObject({ category: 'quality', severity: 'critical', department: 'complaints' });
      expect(critical.timeline[1].data).toMatchObject({
        severityReasons: ['threat:12315'],
        rules: [{ index: 0, name: 'critical cases' }],
      });

      const vipTicket = await shop.ticket(String(vip.externalId));
      expect(vipTicket).toMatchObject({ category: 'other', severity: 'high', department: 'customer_care' });
    });

    it('deals tickets round-robin among the agents of a rule and announces each assignment', async () => {
      const shop = await openShop();
      await hub.http
        .put('/v1/routing-rules')
        .set(shop.tenant.auth)
        .send({
          rules: [
            {
              name: 'quality desk',
              when: { category: ['quality'] },
              then: { assignee: { roundRobin: ['ana', 'bo'] } },
            },
          ],
        })
        .expect(200);
      const first = genericCase();
      await shop.push(first);
      const a = await shop.ticket(String(first.externalId));
      const second = genericCase();
      await shop.push(second);
      const b = await shop.ticket(String(second.externalId));
      expect([a.assigneeId, b.assigneeId].sort()).toEqual(['ana', 'bo']);
      expect(a.department).toBe('customer_care');
      const events = await outbox(a.id);
      expect(events.find((event) => event.type === 'ticket.assigned')?.payload).toMatchObject({
        assigneeId: a.assigneeId,
        by: 'automation',
      });
    });

    it('marks a burst of tickets on one SKU critical and announces the incident once', async () => {
      const shop = await openShop();
      const defaults = await hub.http.get('/v1/routing-rules').set(shop.tenant.auth).expect(200);
      await hub.http
        .put('/v1/routing-rules')
        .set(shop.tenant.auth)
        .send({
          rules: defaults.body.rules,
          thresholds: { ...defaults.body.thresholds, incident: { tickets: 3, windowMinutes: 60 } },
        })
        .expect(200);
      const kettle = (reason: string) =>
        genericCase({
          reason,
          items: [
            {
              sku: 'KETTLE-1',
              title: '电热水壶',
              quantity: 1,
              unitPrice: { amount: '199.00', currency: 'CNY' },
            },
          ],
        });
      const burst = [kettle('水壶漏水'), kettle('水壶坏了'), kettle('kettle is broken')];
      await Promise.all(burst.map((item) => shop.push(item)));
      const tickets = await eventually(async () => {
        const found = await Promise.all(burst.map((item) => shop.ticket(String(item.externalId))));
        return found.every((ticket) => ticket.severity === 'critical') ? found : undefined;
      });
      expect(tickets.map((ticket) => ticket.department)).toEqual(['complaints', 'complaints', 'complaints']);
      const reevaluated = tickets[0].timeline.find((entry) => entry.type === 'routing.reevaluated');
      expect(reevaluated?.data).toMatchObject({
        trigger: 'incident',
        changes: { severity: { to: 'critical' } },
      });

      const late = kettle('又一个坏的水壶');
      await shop.push(late);
      await eventually(async () => (await shop.ticket(String(late.externalId))).severity === 'critical');
      const incidents = await hub.sql<{ payload: { sku: string; tickets: number } }>(
        `SELECT payload FROM outbox_events WHERE tenant_id = $1 AND type = 'ticket.incident_detected'`,
        [shop.tenant.tenantId],
      );
      expect(incidents).toHaveLength(1);
      expect(incidents[0].payload).toMatchObject({ sku: 'KETTLE-1', tickets: 3 });
    });

    it('re-evaluates a ticket changed upstream without overwriting what an agent set by hand', async () => {
      const shop = await openShop();
      const original = genericCase({ reason: '尺码不合适', kind: 'exchange' });
      await shop.push(original);
      const before = await shop.ticket(String(original.externalId));
      expect(before).toMatchObject({ severity: 'normal', department: 'customer_care' });
      await hub.sql(
        `UPDATE tickets SET department = 'warehouse', manual_fields = '{department}' WHERE id = $1`,
        [before.id],
      );
      await shop.push({
        ...original,
        reason: '尺码不合适，再不处理我就找律师',
        externalUpdatedAt: new Date(Date.now() + 1_000).toISOString(),
      });
      const after = await eventually(async () => {
        const ticket = await shop.ticket(String(original.externalId));
        return ticket.severity === 'critical' ? ticket : undefined;
      });
      expect(after.department).toBe('warehouse');
      expect(after.sla.policy).toBe('critical');
      const entry = after.timeline.find((item) => item.type === 'routing.reevaluated');
      expect(entry?.data).toMatchObject({
        trigger: 'upstream',
        changes: { severity: { from: 'normal', to: 'critical' } },
        sla: { policy: 'critical' },
      });
      expect(entry?.data.changes).not.toHaveProperty('department');
    });
  });

  describe('SLA clocks on a compressed clock (one second is one hour)', () => {
    const warningsAndBreaches = async (ticketId: string) => {
      const rows = await outbox(ticketId);
      return {
        warnings: count(rows, 'ticket.sla_warning'),
        breaches: count(rows, 'ticket.sla_breached'),
        rows,
      };
    };

    const waitForBreach = (ticketId: string, timeoutMs = 20_000) =>
      eventually(
        async () => {
          const seen = await warningsAndBreaches(ticketId);
          return seen.breaches > 0 ? seen : undefined;
        },
        timeoutMs,
        'the breach',
      );

    it('warns at 75 % and breaches at 100 % of the first-response target, once each, and escalates', async () => {
      const shop = await openShop(slaPolicies({ normal: [120, 100 * 60] }));
      const item = genericCase({ reason: '尺码不合适', kind: 'exchange' });
      await shop.push(item);
      const ticket = await shop.ticket(String(item.externalId));
      const createdAt = Date.parse(ticket.createdAt);
      expect(Date.parse(ticket.sla.firstResponseDueAt ?? '') - createdAt).toBeGreaterThan(1_800);
      expect(Date.parse(ticket.sla.firstResponseDueAt ?? '') - createdAt).toBeLessThan(2_200);

      const seen = await waitForBreach(ticket.id);
      expect(seen.rows.map((row) => row.type).filter((type) => type.startsWith('ticket.sla'))).toEqual([
        'ticket.sla_warning',
        'ticket.sla_breached',
      ]);
      expect(seen.rows.find((row) => row.type === 'ticket.sla_warning')?.payload).toMatchObject({
        target: 'first_response',
        dueAt: ticket.sla.firstResponseDueAt,
      });
      expect(seen.rows.find((row) => row.type === 'ticket.sla_breached')?.payload).toMatchObject({
        target: 'first_response',
        severity: 'high',
        department: 'customer_care',
      });

      await sleep(2_500);
      const later = await warningsAndBreaches(ticket.id);
      expect([later.warnings, later.breaches]).toEqual([1, 1]);
      const breached = await shop.ticket(String(item.externalId));
      expect(breached).toMatchObject({ severity: 'high', sla: { state: 'breached' } });
      const types = breached.timeline.map((entry) => entry.type);
      expect(types.filter((type) => type.startsWith('sla.'))).toEqual(['sla.warning', 'sla.breached']);
      expect(breached.timeline.find((entry) => entry.type === 'sla.breached')?.data).toMatchObject({
        escalation: { severity: { from: 'normal', to: 'high' } },
      });
    });

    it('raises the alerts once after a graceful restart with the timers still waiting in Redis', async () => {
      const shop = await openShop(slaPolicies({ normal: [240, 100 * 60] }));
      const item = genericCase({ reason: '尺码不合适', kind: 'exchange' });
      await shop.push(item);
      const ticket = await shop.ticket(String(item.externalId));
      await hub.restart();
      await waitForBreach(ticket.id);
      await sleep(1_500);
      const seen = await warningsAndBreaches(ticket.id);
      expect([seen.warnings, seen.breaches]).toEqual([1, 1]);
    });

    it('raises the alerts once after a crash that also lost every timer in Redis', async () => {
      const shop = await openShop(slaPolicies({ normal: [180, 100 * 60] }));
      const item = genericCase({ reason: '尺码不合适', kind: 'exchange' });
      await shop.push(item);
      const ticket = await shop.ticket(String(item.externalId));
      await hub.kill();
      await redis.down();
      await redis.up();
      const due = Date.parse(ticket.sla.firstResponseDueAt ?? '');
      await sleep(Math.max(0, due - Date.now()) + 200);
      expect(await warningsAndBreaches(ticket.id)).toMatchObject({ warnings: 0, breaches: 0 });
      await hub.boot();
      await waitForBreach(ticket.id);
      await sleep(1_500);
      const seen = await warningsAndBreaches(ticket.id);
      expect([seen.warnings, seen.breaches]).toEqual([1, 1]);
    });
  });
});
