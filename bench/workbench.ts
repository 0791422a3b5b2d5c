/**
 * The workbench as an agent meets it: bundle size, time to the first inbox rows with a full tenant, and
 * the delay from a marketplace push to its row appearing through the event stream.
 *
 *   npm run bench:workbench -- --tickets 1000 --arrivals 20
 *
 * Starts the built hub, fills one tenant with `--tickets` cases pushed by a custom storefront, then drives
 * Debian's chromium: five cold loads of /app (a fresh browser context each), then `--arrivals` pushes one
 * after another with the inbox open, timing each from the push being acknowledged to its row on screen.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { generateWebhookSecret, signStandardWebhook } from '../adapters/shared/standard-webhooks';
import { launchChromium } from '../scripts/chromium';
import { eventually, HubProcess } from '../scripts/hub-process';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '1000' },
    arrivals: { type: 'string', default: '20' },
    loads: { type: 'string', default: '5' },
    database: {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const REASONS = [
  '收到的杯子有破损',
  '快递一直没收到',
  '尺码不合适想退货',
  '客服态度差',
  'Package never arrived',
];

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN);
}

function bundleSizes(): { initial: number; dashboard: number; settings: number; total: number } {
  const assets = join(__dirname, '..', 'web', 'assets');
  const gz = (file: string) => gzipSync(readFileSync(join(assets, file))).length;
  const files = readdirSync(assets);
  const chunk = (name: string) =>
    files.filter((file) => file.startsWith(name)).reduce((sum, file) => sum + gz(file), 0);
  const dashboard = chunk('Dashboard');
  const settings = chunk('Settings');
  const total = files.reduce((sum, file) => sum + gz(file), 0);
  return { initial: total - dashboard - settings, dashboard, settings, total };
}

async function main(): Promise<void> {
  const count = Number(values.tickets);
  const hub = await HubProcess.start({
    baseDatabaseUrl: values.database,
    redisUrl: values.redis,
    adminToken: ADMIN_TOKEN,
    env: { LOG_LEVEL: 'error' },
  });
  const browser = await launchChromium();
  try {
    const tenant = (await (
      await fetch(`${hub.url}/v1/tenants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Bench' }),
      })
    ).json()) as { apiKey: { key: string } };
    const key = tenant.apiKey.key;
    const secret = generateWebhookSecret();
    const connection = (await (
      await fetch(`${hub.url}/v1/connections`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          platform: 'generic',
          name: 'Bench',
          shopId: 'bench',
          credentials: { webhookSecret: secret },
        }),
      })
    ).json()) as { webhookUrl: string };
    const push = async (reason: string): Promise<void> => {
      const now = new Date().toISOString();
      const id = `msg_${randomUUID()}`;
      const body = JSON.stringify({
        type: 'case.upserted',
        data: {
          externalId: `B-${randomUUID().slice(0, 12)}`,
          externalOrderId: `O-${randomUUID().slice(0, 8)}`,
          kind: 'return_refund',
          stage: 'requested',
          reason,
          requestedAmount: { amount: '129.00', currency: 'CNY' },
          buyer: { externalId: 'b-1', displayName: 't**1', vip: false },
          items: [{ sku: `SKU-${Math.floor(Math.random() * 200)}`, title: '陶瓷马克杯', quantity: 1 }],
          evidence: [],
          externalCreatedAt: now,
          externalUpdatedAt: now,
        },
      });
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await fetch(connection.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signStandardWebhook(secret, id, timestamp, body),
        },
        body,
      });
      if (!response.ok) throw new Error(`push answered ${response.status}`);
    };

    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < count) {
          next++;
          await push(REASONS[next % REASONS.length]);
        }
      }),
    );
    await eventually(
      async () => {
        const [row] = await hub.sql<{ count: string }>(`SELECT count(*)::text AS count FROM tickets`);
        return Number(row.count) >= count;
      },
      300_000,
      `${count} tickets`,
    );

    const loads: number[] = [];
    for (let run = 0; run < Number(values.loads); run++) {
      const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(`${hub.url}/app/#signin=${encodeURIComponent(key)}`);
      await page.waitForSelector('[data-testid=ticket-row]');
      loads.push(Date.now() - started);
      await context.close();
    }

    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${hub.url}/app/#signin=${encodeURIComponent(key)}`);
    await page.waitForSelector('[data-testid=live-mode][data-mode=stream]');
    const delays: number[] = [];
    for (let arrival = 0; arrival < Number(values.arrivals); arrival++) {
      const marker = `到货-${arrival}-${randomUUID().slice(0, 6)}`;
      await push(marker);
      const acknowledged = Date.now();
      await page.waitForSelector(`[data-testid=ticket-row]:has-text("${marker}")`, { timeout: 60_000 });
      delays.push(Date.now() - acknowledged);
    }
    await context.close();

    const sizes = bundleSizes();
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    console.log('| figure | value |');
    console.log('| --- | --- |');
    console.log(`| bundle, gzip: first load (app + styles) | ${kb(sizes.initial)} |`);
    console.log(`| bundle, gzip: dashboard chunk (ECharts), loaded on demand | ${kb(sizes.dashboard)} |`);
    console.log(
      `| bundle, gzip: settings chunk, loaded when an admin opens Settings | ${kb(sizes.settings)} |`,
    );
    console.log(
      `| first inbox rows, ${count} tickets in the tenant, cold context (n=${loads.length}) | p50 ${percentile(loads, 50)} ms, max ${Math.max(...loads)} ms |`,
    );
    console.log(
      `| push acknowledged → row on screen via /v1/stream (n=${delays.length}) | p50 ${percentile(delays, 50)} ms, p95 ${percentile(delays, 95)} ms, max ${Math.max(...delays)} ms |`,
    );
  } finally {
    await browser.close();
    await hub.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
