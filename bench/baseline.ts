/**
 * Same-run baselines for the ingress figure: the same load generator and concurrency against
 *   1. a bare NestJS JSON POST route that only answers,
 *   2. a bare NestJS route doing one multi-row `INSERT … ON CONFLICT DO NOTHING` of the body's events,
 *   3. the hub's own webhook route (verify the signature, store the events, answer) as `npm start` runs it
 *      (its workers turn the pushes into tickets meanwhile), and on a `HUB_ROLE=api` process alone, the
 *      latter interleaved with 1 and 2 over `--rounds` rounds (medians reported),
 * so the hub's rate reads as a share of what this machine does at all, whatever else is running on it.
 *
 *   npm run build && node dist/bench/baseline.js --seconds 10 --concurrency 64
 *
 * Prints one JSON document on stdout.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { generateWebhookSecret, signStandardWebhook } from '../adapters/shared/standard-webhooks';
import { HubProcess } from '../scripts/hub-process';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '64' },
    database: {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Math.max(1, Number(values.rounds));
const CONCURRENCY = Number(values.concurrency);
const ADMIN_TOKEN = 'bench-admin-token-0123456789';

interface Push {
  body: string;
  headers: Record<string, string>;
}

/** A generic storefront's case push, signed, as in the ingest benchmark. */
function push(secret: string): Push {
  const id = `msg_${randomUUID()}`;
  const now = new Date().toISOString();
  const body = JSON.stringify({
    type: 'case.upserted',
    data: {
      externalId: `C-${randomUUID()}`,
      externalOrderId: 'O-1',
      kind: 'return_refund',
      stage: 'requested',
      reason: '收到的杯子有破损',
      requestedAmount: { amount: '39.00', currency: 'CNY' },
      items: [{ sku: `SKU-${Math.floor(Math.random() * 500)}`, title: '陶瓷马克杯', quantity: 1 }],
      externalCreatedAt: now,
      externalUpdatedAt: now,
    },
  });
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signStandardWebhook(secret, id, timestamp, body),
    },
  };
}

function post(agent: Agent, url: URL, item: Push): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...item.headers, 'content-length': Buffer.byteLength(item.body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(item.body);
  });
}

function percentile(sorted: number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
}

/** The load generator: `CONCURRENCY` keep-alive clients posting one push after another for `SECONDS`. */
async function load(
  url: URL,
  pushes: () => Push,
): Promise<{ perSecond: number; p50: number; p99: number; non2xx: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let non2xx = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const item = pushes();
        const sent = performance.now();
        const status = await post(agent, url, item);
        latencies.push(performance.now() - sent);
        if (status < 200 || status >= 300) non2xx += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round(latencies.length / elapsed),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    non2xx,
  };
}

type Load = Awaited<ReturnType<typeof load>>;

/** The middle value of each figure over the rounds, by rate. */
function median(loads: Load[]): Load {
  return [...loads].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(loads.length / 2)];
}

async function main(): Promise<void> {
  const hub = await HubProcess.start({
    baseDatabaseUrl: values.database,
    redisUrl: values.redis,
    adminToken: ADMIN_TOKEN,
    env: { LOG_LEVEL: 'error' },
  });
  const pool = new Pool({ connectionString: hub.databaseUrl, max: 10 });
  // An idle client cut off by the server (a database dropped elsewhere) must not end the run.
  pool.on('error', (error) => console.error(`bench pool: ${error.message}`));
  await pool.query(
    `CREATE TABLE bench_events (connection_id uuid NOT NULL, dedupe_key text NOT NULL, event_type text NOT NULL,
       payload text NOT NULL, received_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (connection_id, dedupe_key))`,
  );
  const connection = randomUUID();

  @Controller()
  class BareController {
    @Post('bare')
    @HttpCode(200)
    bare(): { received: number } {
      return { received: 1 };
    }

    @Post('insert')
    @HttpCode(200)
    async insert(@Body() body: { data: { externalId: string } }): Promise<{ received: number }> {
      await pool.query(
        `INSERT INTO bench_events (connection_id, dedupe_key, event_type, payload) VALUES ($1, $2, $3, $4)
         ON CONFLICT (connection_id, dedupe_key) DO NOTHING`,
        [connection, body.data.externalId, 'case.upserted', JSON.stringify(body)],
      );
      return { received: 1 };
    }
  }

  @Module({ controllers: [BareController] })
  class BareModule {}

  const bare = await NestFactory.create(BareModule, { logger: false });
  await bare.listen(0, '127.0.0.1');
  const barePort = (bare.getHttpServer().address() as AddressInfo).port;
  try {
    const tenant = (await (
      await fetch(`${hub.url}/v1/tenants`, {
        method: 'POST',
        body: JSON.stringify({ name: 'Bench' }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as { apiKey: { key: string } };
    const secret = generateWebhookSecret();
    const created = (await (
      await fetch(`${hub.url}/v1/connections`, {
        method: 'POST',
        body: JSON.stringify({
          platform: 'generic',
          name: 'Bench',
          shopId: 'bench',
          credentials: { webhookSecret: secret },
        }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey.key}` },
      })
    ).json()) as { webhookUrl: string };
    const webhook = new URL(new URL(created.webhookUrl).pathname, hub.url);
    const hubIngress = await load(webhook, () => push(secret));
    // The same route on a `HUB_ROLE=api` process (the scale-out layout) with no worker anywhere: ingress
    // alone, interleaved with the bare routes round by round, so that other jobs on a shared machine weigh
    // on all three alike; the medians and the median of the rounds' ratios are reported.
    const api = await hub.sibling({ HUB_ROLE: 'api' });
    await hub.stop();
    const rounds: { bareRoute: Load; bareInsert: Load; hubIngressApiOnly: Load }[] = [];
    try {
      for (let round = 0; round < ROUNDS; round += 1) {
        rounds.push({
          bareRoute: await load(new URL(`http://127.0.0.1:${barePort}/bare`), () => push(secret)),
          bareInsert: await load(new URL(`http://127.0.0.1:${barePort}/insert`), () => push(secret)),
          hubIngressApiOnly: await load(new URL(webhook.pathname, api.url), () => push(secret)),
        });
      }
    } finally {
      await api.stop();
    }
    const ratios = rounds
      .map((round) => round.hubIngressApiOnly.perSecond / round.bareRoute.perSecond)
      .sort((a, b) => a - b);
    const result = {
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      bareRoute: median(rounds.map((round) => round.bareRoute)),
      bareInsert: median(rounds.map((round) => round.bareInsert)),
      /** As `npm start` runs it: its own workers turn the pushes into tickets meanwhile. */
      hubIngress,
      hubIngressApiOnly: median(rounds.map((round) => round.hubIngressApiOnly)),
      apiOnlyShareOfBareRoute: Math.round(ratios[Math.floor(ratios.length / 2)] * 100) / 100,
      rounds,
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await bare.close();
    await pool.end();
    await hub.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
