import { randomUUID } from 'node:crypto';
import { GenericShop } from './support/generic-shop';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

/** A ticket row as a fixture: every time is given, so durations can be worked out by hand. */
interface Fixture {
  createdAt: string;
  status: string;
  severity: string;
  category?: string;
  slaPolicy?: string | null;
  firstRespondedAt?: string | null;
  resolvedAt?: string | null;
  pausedMs?: number;
  firstResponseAlert?: string;
  resolutionAlert?: string;
  csat?: number | null;
  refunded?: [number, string] | null;
  skus?: string[];
  agentTouches?: number;
  reopened?: boolean;
}

const WEEK = {
  from: '2026-09-28T00:00:00+08:00',
  to: '2026-10-05T00:00:00+08:00',
};

const BUSINESS_HOURS = { timezone: 'Asia/Shanghai', weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };
const YEAR = 365 * 24 * 60;

describe('indicators', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  let shop: GenericShop;
  let number = 1000;

  beforeAll(async () => {
    hub = await TestHub.start({
      HUB_ALLOW_PRIVATE_WEBHOOK_URLS: 'true',
      HUB_ALLOW_PRIVATE_URLS: 'true',
      HUB_INDICATOR_CHECK_INTERVAL_MS: '300',
    });
    tenant = await createTenant(hub);
    shop = await GenericShop.connect(hub, tenant);
  });

  afterAll(async () => {
    await hub.close();
  });

  async function seed(tenantId: string, fixture: Fixture): Promise<string> {
    const id = randomUUID();
    const refunded = fixture.refunded ?? null;
    const items = (fixture.skus ?? []).map((sku) => ({ sku, title: `${sku} title`, quantity: 1 }));
    await hub.sql(
      `INSERT INTO tickets (id, tenant_id, number, connection_id, platform, external_id, kind, stage, status, category,
         severity, sla_policy, sla_started_at, sla_first_responded_at, sla_resolved_at, sla_paused_ms,
         sla_first_response_alert, sla_resolution_alert, csat_score, refunded_amount_minor, refunded_currency, items,
         external_created_at, external_updated_at, created_at, solved_at)
       VALUES ($1, $2, $3, $4, 'generic', $5, 'return_refund', 'requested', $6, $7, $8, $9,
         CASE WHEN $9::text IS NULL THEN NULL ELSE $10::timestamptz END, $11, $12, $13, $14, $15, $16, $17, $18, $19::jsonb,
         $10, $10, $10, CASE WHEN $6 IN ('solved', 'closed') THEN $12::timestamptz END)`,
      [
        id,
        tenantId,
        number++,
        shop.connectionId,
        `fx-${id}`,
        fixture.status,
        fixture.category ?? 'quality',
        fixture.severity,
        fixture.slaPolicy === undefined ? fixture.severity : fixture.slaPolicy,
        fixture.createdAt,
        fixture.firstRespondedAt ?? null,
        fixture.resolvedAt ?? null,
        fixture.pausedMs ?? 0,
        fixture.firstResponseAlert ?? 'none',
        fixture.resolutionAlert ?? 'none',
        fixture.csat ?? null,
        refunded?.[0] ?? null,
        refunded?.[1] ?? null,
        JSON.stringify(items),
      ],
    );
    for (let touch = 0; touch < (fixture.agentTouches ?? 0); touch++) {
      await hub.sql(
        `INSERT INTO ticket_events (tenant_id, ticket_id, type, actor_type, actor_id, data)
         VALUES ($1, $2, 'action.requested', 'agent', 'key-1', '{}')`,
        [tenantId, id],
      );
    }
    if (fixture.reopened) {
      await hub.sql(
        `INSERT INTO ticket_events (tenant_id, ticket_id, type, actor_type, actor_id, data)
         VALUES ($1, $2, 'ticket.status_changed', 'agent', 'key-1', '{"from":"solved","to":"open"}')`,
        [tenantId, id],
      );
    }
    return id;
  }

  describe('over a hand-computed week with business hours, a holiday and mixed currencies', () => {
    beforeAll(async () => {
      // Normal cases count working time Mon–Fri 09:00–18:00 in Shanghai, with 1 October off; critical
      // cases count around the clock.
      await hub.http
        .put('/v1/sla-policies')
        .set(tenant.auth)
        .send({
          policies: {
            critical: { firstResponseMinutes: 60, resolutionMinutes: 120, businessHours: null },
            high: { firstResponseMinutes: YEAR, resolutionMinutes: YEAR, businessHours: null },
            normal: { firstResponseMinutes: 120, resolutionMinutes: 1440, businessHours: BUSINESS_HOURS },
            low: { firstResponseMinutes: YEAR, resolutionMinutes: YEAR, businessHours: null },
          },
          holidays: ['2026-10-01'],
        })
        .expect(200);
      const id = tenant.tenantId;
      // A: Mon 17:00 → Tue 09:30 first response = 1 h + 0.5 h; resolved Wed 10:00 = 1 + 9 + 1 h.
      await seed(id, {
        createdAt: '2026-09-28T17:00:00+08:00',
        status: 'solved',
        severity: 'normal',
        firstRespondedAt: '2026-09-29T09:30:00+08:00',
        resolvedAt: '2026-09-30T10:00:00+08:00',
        csat: 5,
        refunded: [12900, 'CNY'],
        skus: ['MUG-1'],
        agentTouches: 1,
      });
      // B: Wed 17:30 → Fri 09:15 over the holiday = 0.5 h + 0.25 h; resolved Fri 12:00 = 3.5 h less 1 h paused.
      await seed(id, {
        createdAt: '2026-09-30T17:30:00+08:00',
        status: 'closed',
        severity: 'normal',
        firstRespondedAt: '2026-10-02T09:15:00+08:00',
        resolvedAt: '2026-10-02T12:00:00+08:00',
        pausedMs: 3_600_000,
        firstResponseAlert: 'warning',
        csat: 3,
        refunded: [3050, 'CNY'],
        skus: ['MUG-1'],
        agentTouches: 2,
      });
      // C: answered on a Saturday, outside business hours: 0 s; still open, first response breached.
      await seed(id, {
        createdAt: '2026-10-03T10:00:00+08:00',
        status: 'open',
        severity: 'normal',
        category: 'logistics',
        firstRespondedAt: '2026-10-03T11:00:00+08:00',
        firstResponseAlert: 'breached',
        skus: ['MUG-1'],
      });
      // D: critical, around the clock: 30 min to answer, 2 h to resolve; solved, reopened once, solved again.
      await seed(id, {
        createdAt: '2026-09-29T20:00:00+08:00',
        status: 'solved',
        severity: 'critical',
        firstRespondedAt: '2026-09-29T20:30:00+08:00',
        resolvedAt: '2026-09-29T22:00:00+08:00',
        csat: 4,
        refunded: [2599, 'USD'],
        skus: ['LAMP-2'],
        reopened: true,
      });
      // E: no SLA clock, yen have no minor unit.
      await seed(id, {
        createdAt: '2026-10-02T10:00:00+08:00',
        status: 'new',
        severity: 'low',
        slaPolicy: null,
        refunded: [1000, 'JPY'],
      });
      // F: the Sunday before the week: outside the period, in the previous one.
      await seed(id, {
        createdAt: '2026-09-27T23:00:00+08:00',
        status: 'solved',
        severity: 'normal',
        firstRespondedAt: '2026-09-28T09:00:00+08:00',
        csat: 1,
        refunded: [5000, 'EUR'],
        skus: ['MUG-1'],
      });
    });

    it('counts, measures business time, and reports SLA, refunds, satisfaction and reopens', async () => {
      const { body } = await hub.http
        .get('/v1/analytics/overview')
        .query({ ...WEEK, tz: 'Asia/Shanghai' })
        .set(tenant.auth)
        .expect(200);
      expect(body.from).toBe('2026-09-27T16:00:00.000Z');
      expect(body.tz).toBe('Asia/Shanghai');
      expect(body.counts).toEqual({
        total: 5,
        byStatus: { solved: 2, closed: 1, open: 1, new: 1 },
        byStage: { requested: 5 },
        byPlatform: { generic: 5 },
        byDepartment: { customer_care: 5 },
        byCategory: { quality: 4, logistics: 1 },
        bySeverity: { normal: 3, critical: 1, low: 1 },
      });
      // First response: 0, 1800, 2700, 5400 → mean 2475, p50 2250, p90 2700 + 0.7 × 2700.
      expect(body.firstResponse).toEqual({ count: 4, meanSeconds: 2475, p50Seconds: 2250, p90Seconds: 4590 });
      // Resolution: 7200, 9000, 39600 → mean 18600, p50 9000, p90 9000 + 0.8 × 30600.
      expect(body.resolution).toEqual({ count: 3, meanSeconds: 18600, p50Seconds: 9000, p90Seconds: 33480 });
      expect(body.sla).toEqual({ total: 4, met: 2, warned: 1, breached: 1, attainment: 0.75 });
      expect(body.firstContactResolution).toEqual({ solved: 2, singleTouch: 1, rate: 0.5 });
      expect(body.refunds).toEqual([
        { currency: 'CNY', count: 2, amount: '159.50' },
        { currency: 'JPY', count: 1, amount: '1000' },
        { currency: 'USD', count: 1, amount: '25.99' },
      ]);
      expect(body.satisfaction).toEqual({ responses: 3, average: 4, satisfiedShare: 0.667 });
      expect(body.reopenRate).toBe(0.333);
      expect(body.backlog.open).toBe(2);
      expect(body.backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(body.backlog.meanAgeSeconds);
      expect(body.groups).toBeUndefined();
      const states = Object.fromEntries(
        (body.indicators as { key: string; state: string; value: number | null }[]).map((i) => [
          i.key,
          [i.value, i.state],
        ]),
      );
      expect(states).toEqual({
        first_response_p90: [4590, 'ok'],
        handling_p90: [33480, 'ok'],
        satisfaction: [0.667, 'breached'],
        sla_attainment: [0.75, 'breached'],
        breach_count: [1, 'breached'],
        problem_sku_rise: [null, 'ok'],
      });
    });

    it('breaks the figures down by a dimension', async () => {
      const { body } = await hub.http
        .get('/v1/analytics/overview')
        .query({ ...WEEK, groupBy: 'severity' })
        .set(tenant.auth)
        .expect(200);
      expect(body.tz).toBe('Asia/Shanghai');
      expect(body.groups.map((g: { key: string }) => g.key)).toEqual(['normal', 'critical', 'low']);
      const [normal, critical, low] = body.groups;
      expect(normal.counts).toEqual({ total: 3 });
      // 0, 2700, 5400 → p90 2700 + 0.8 × 2700.
      expect(normal.firstResponse).toEqual({
        count: 3,
        meanSeconds: 2700,
        p50Seconds: 2700,
        p90Seconds: 4860,
      });
      expect(normal.refunds).toEqual([{ currency: 'CNY', count: 2, amount: '159.50' }]);
      expect(normal.sla).toEqual({ total: 3, met: 1, warned: 1, breached: 1, attainment: 0.667 });
      expect(critical.firstResponse).toEqual({
        count: 1,
        meanSeconds: 1800,
        p50Seconds: 1800,
        p90Seconds: 1800,
      });
      expect(critical.refunds).toEqual([{ currency: 'USD', count: 1, amount: '25.99' }]);
      expect(low.firstResponse).toEqual({ count: 0, meanSeconds: null, p50Seconds: null, p90Seconds: null });
      expect(low.satisfaction).toEqual({ responses: 0, average: null, satisfiedShare: null });
    });

    it('gives one bucket per local day, empty days included', async () => {
      const volume = await hub.http
        .get('/v1/analytics/timeseries')
        .query({ ...WEEK, metric: 'volume', interval: 'day', tz: 'Asia/Shanghai', groupBy: 'severity' })
        .set(tenant.auth)
        .expect(200);
      expect(volume.body.data).toEqual([
        { bucket: '2026-09-28T00:00:00+08:00', value: 1, groups: { normal: 1 } },
        { bucket: '2026-09-29T00:00:00+08:00', value: 1, groups: { critical: 1 } },
        { bucket: '2026-09-30T00:00:00+08:00', value: 1, groups: { normal: 1 } },
        { bucket: '2026-10-01T00:00:00+08:00', value: 0, groups: {} },
        { bucket: '2026-10-02T00:00:00+08:00', value: 1, groups: { low: 1 } },
        { bucket: '2026-10-03T00:00:00+08:00', value: 1, groups: { normal: 1 } },
        { bucket: '2026-10-04T00:00:00+08:00', value: 0, groups: {} },
      ]);
      const firstResponse = await hub.http
        .get('/v1/analytics/timeseries')
        .query({ ...WEEK, metric: 'first_response', interval: 'day' })
        .set(tenant.auth)
        .expect(200);
      expect(firstResponse.body.data.map((d: { value: number | null }) => d.value)).toEqual([
        5400,
        1800,
        2700,
        null,
        null,
        0,
        null,
      ]);
      const hours = await hub.http
        .get('/v1/analytics/timeseries')
        .query({
          from: '2026-09-29T18:00:00Z',
          to: '2026-09-30T00:00:00Z',
          metric: 'volume',
          interval: 'hour',
          tz: 'UTC',
        })
        .set(tenant.auth)
        .expect(200);
      // D was created at 20:00 in Shanghai, 12:00 UTC: not in these six hours.
      expect(hours.body.data).toHaveLength(6);
      expect(hours.body.data[0]).toEqual({ bucket: '2026-09-29T18:00:00+00:00', value: 0 });
    });

    it('ranks problem SKUs against the previous period of the same length', async () => {
      const { body } = await hub.http
        .get('/v1/analytics/problem-skus')
        .query(WEEK)
        .set(tenant.auth)
        .expect(200);
      expect(body.previousFrom).toBe('2026-09-20T16:00:00.000Z');
      expect(body.data).toEqual([
        {
          sku: 'MUG-1',
          title: 'MUG-1 title',
          count: 3,
          share: 0.6,
          previousCount: 1,
          change: 2,
          dominantCategory: 'quality',
          flagged: false,
        },
        {
          sku: 'LAMP-2',
          title: 'LAMP-2 title',
          count: 1,
          share: 0.2,
          previousCount: 0,
          change: null,
          dominantCategory: 'quality',
          flagged: false,
        },
      ]);
    });

    it('answers an empty period with zeros and nulls, never NaN', async () => {
      // In UTC, the week is seven whole days; in the tenant's zone (Shanghai) it would touch eight.
      const query = { from: '2020-01-01T00:00:00Z', to: '2020-01-08T00:00:00Z', tz: 'UTC' };
      const { body } = await hub.http.get('/v1/analytics/overview').query(query).set(tenant.auth).expect(200);
      expect(body.counts.total).toBe(0);
      expect(body.firstResponse).toEqual({ count: 0, meanSeconds: null, p50Seconds: null, p90Seconds: null });
      expect(body.sla).toEqual({ total: 0, met: 0, warned: 0, breached: 0, attainment: null });
      expect(body.firstContactResolution).toEqual({ solved: 0, singleTouch: 0, rate: null });
      expect(body.refunds).toEqual([]);
      expect(body.satisfaction).toEqual({ responses: 0, average: null, satisfiedShare: null });
      expect(body.reopenRate).toBeNull();
      expect(body.indicators.map((i: { state: string }) => i.state)).toEqual([
        'ok',
        'ok',
        'ok',
        'ok',
        'ok',
        'ok',
      ]);
      const series = await hub.http
        .get('/v1/analytics/timeseries')
        .query({ ...query, metric: 'satisfaction' })
        .set(tenant.auth)
        .expect(200);
      expect(series.body.data).toHaveLength(7);
      expect(series.body.data.every((d: { value: unknown }) => d.value === null)).toBe(true);
      const skus = await hub.http.get('/v1/analytics/problem-skus').query(query).set(tenant.auth).expect(200);
      expect(skus.body.data).toEqual([]);
    });

    it('flags a SKU whose cases rise sharply', async () => {
      const other = await createTenant(hub, 'Burst');
      for (let i = 0; i < 6; i++) {
        await seed(other.tenantId, {
          createdAt: `2026-10-0${1 + (i % 3)}T10:00:00Z`,
          status: 'new',
          severity: 'normal',
          skus: ['CUP-9'],
        });
      }
      for (let i = 0; i < 2; i++) {
        await seed(other.tenantId, {
          createdAt: `2026-09-2${2 + i}T10:00:00Z`,
          status: 'new',
          severity: 'normal',
          skus: ['CUP-9'],
        });
      }
      const { body } = await hub.http
        .get('/v1/analytics/problem-skus')
        .query(WEEK)
        .set(other.auth)
        .expect(200);
      expect(body.data[0]).toMatchObject({
        sku: 'CUP-9',
        count: 6,
        previousCount: 2,
        change: 2,
        share: 1,
        flagged: true,
      });
      const overview = await hub.http.get('/v1/analytics/overview').query(WEEK).set(other.auth).expect(200);
      expect(overview.body.indicators.find((i: { key: string }) => i.key === 'problem_sku_rise')).toEqual({
        key: 'problem_sku_rise',
        value: 2,
        threshold: 1,
        comparator: 'lte',
        unit: 'ratio',
        state: 'breached',
      });
    });

    it('refuses a bad period, zone or grouping with the field named', async () => {
      const reversed = await hub.http
        .get('/v1/analytics/overview')
        .query({ from: WEEK.to, to: WEEK.from })
        .set(tenant.auth)
        .expect(400);
      expect(reversed.body.details).toEqual([{ field: 'from', problems: ['must be before to'] }]);
      const zone = await hub.http
        .get('/v1/analytics/overview')
        .query({ tz: 'Mars/Olympus' })
        .set(tenant.auth)
        .expect(400);
      expect(zone.body.details[0].field).toBe('tz');
      const group = await hub.http
        .get('/v1/analytics/overview')
        .query({ groupBy: 'colour' })
        .set(tenant.auth)
        .expect(400);
      expect(group.body.details[0].field).toBe('groupBy');
      const metric = await hub.http.get('/v1/analytics/timeseries').set(tenant.auth).expect(400);
      expect(metric.body.details[0].field).toBe('metric');
      const tooMany = await hub.http
        .get('/v1/analytics/timeseries')
        .query({
          metric: 'volume',
          interval: 'hour',
          from: '2024-01-01T00:00:00Z',
          to: '2026-01-01T00:00:00Z',
        })
        .set(tenant.auth)
        .expect(400);
      expect(tooMany.body.details[0].field).toBe('interval');
    });
  });

  describe('thresholds', () => {
    const policy = {
      firstResponseP90Seconds: 3600,
      handlingP90Seconds: 43200,
      satisfactionMin: 0.85,
      slaAttainmentMin: 0.9,
      breachCountMax: 2,
      problemSkuRiseMin: 1.5,
    };

    it('has the defaults of the service plan, and only an admin replaces them, validated', async () => {
      const other = await createTenant(hub, 'Thresholds');
      const current = await hub.http.get('/v1/policies/indicators').set(other.auth).expect(200);
      expect(current.body).toEqual({
        firstResponseP90Seconds: 7200,
        handlingP90Seconds: 86400,
        satisfactionMin: 0.9,
        slaAttainmentMin: 0.95,
        breachCountMax: 0,
        problemSkuRiseMin: 1,
        windowHours: 24,
        source: 'default',
        updatedAt: null,
      });
      const bad = await hub.http
        .put('/v1/policies/indicators')
        .set(other.auth)
        .send({ ...policy, satisfactionMin: 1.5, breachCountMax: -1, colour: 'red' })
        .expect(400);
      expect((bad.body.details as { field: string }[]).map((d) => d.field).sort()).toEqual([
        'breachCountMax',
        'colour',
        'satisfactionMin',
      ]);
      const agent = await hub.http.post('/v1/api-keys').set(other.auth).send({ role: 'agent' }).expect(201);
      await hub.http
        .put('/v1/policies/indicators')
        .set('Authorization', `Bearer ${agent.body.key}`)
        .send(policy)
        .expect(403);
      const saved = await hub.http.put('/v1/policies/indicators').set(other.auth).send(policy).expect(200);
      expect(saved.body).toMatchObject({ ...policy, windowHours: 24, source: 'tenant' });
      const overview = await hub.http.get('/v1/analytics/overview').set(other.auth).expect(200);
      expect(overview.body.indicators.map((i: { threshold: number }) => i.threshold)).toEqual([
        3600, 43200, 0.85, 0.9, 2, 1.5,
      ]);
    });

    it('announces a crossing once through the outbound webhooks, and the recovery once', async () => {
      const other = await createTenant(hub, 'Crossing');
      const receiver = new WebhookReceiver();
      await receiver.start();
      try {
        await hub.http
          .post('/v1/webhook-subscriptions')
          .set(other.auth)
          .send({ url: receiver.url, events: ['indicator.threshold_crossed', 'indicator.recovered'] })
          .expect(201);
        const breached = await seed(other.tenantId, {
          createdAt: new Date(Date.now() - 3_600_000).toISOString(),
          status: 'open',
          severity: 'normal',
          firstResponseAlert: 'breached',
        });
        const of = (type: string, indicator: string) =>
          receiver.received.filter((r) => r.json.type === type && r.json.data.indicator === indicator);
        await eventually(
          async () => of('indicator.threshold_crossed', 'breach_count').length > 0,
          20_000,
          'crossing',
        );
        expect(of('indicator.threshold_crossed', 'breach_count')[0].json.data).toMatchObject({
          indicator: 'breach_count',
          value: 1,
          threshold: 0,
          state: 'breached',
          previousState: 'ok',
        });
        // The clock is put right: the next checks see the indicator recover, and the crossing was not repeated
        // by the checks that ran while it stayed breached.
        await hub.sql(`UPDATE tickets SET sla_first_response_alert = 'none' WHERE id = $1`, [breached]);
        await eventually(
          async () => of('indicator.recovered', 'breach_count').length > 0,
          20_000,
          'recovery',
        );
        expect(of('indicator.threshold_crossed', 'breach_count')).toHaveLength(1);
        expect(of('indicator.recovered', 'breach_count')).toHaveLength(1);
        expect(of('indicator.recovered', 'breach_count')[0].json.data).toMatchObject({
          value: 0,
          state: 'ok',
        });
        const states = await hub.sql<{ state: string }>(
          `SELECT state FROM indicator_states WHERE tenant_id = $1 AND key = 'breach_count'`,
          [other.tenantId],
        );
        expect(states).toEqual([{ state: 'ok' }]);
      } finally {
        await receiver.stop();
      }
    });
  });
});
