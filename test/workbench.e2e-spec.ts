import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SANDBOX_SMS_THRESHOLD_FEN, TaobaoSandbox } from '../adapters/taobao/taobao.sandbox';
import { genericCase } from './support/builders';
import { launchBrowser, screenshot } from './support/browser';
import { GenericShop } from './support/generic-shop';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

interface TicketRow {
  id: string;
  externalId: string;
  version: number;
}

/**
 * The workbench in a real browser (Debian's chromium through playwright-core) against the built hub:
 * everything it shows comes through the public API and the event stream.
 */
describe('workbench: agents work tickets in the browser', () => {
  let hub: TestHub;
  let admin: TenantSession;
  const keys: Record<'agentA' | 'agentB' | 'viewer', string> = { agentA: '', agentB: '', viewer: '' };
  let shop: GenericShop;
  let taobaoConnection: string;
  const taobao = new TaobaoSandbox();
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const damaged: TicketRow[] = [];

  const api = (path: string, key = admin.apiKey) => hub.http.get(path).set('Authorization', `Bearer ${key}`);

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      viewport: { width: 1440, height: 900 },
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return page;
  };

  /** Sign in through the form, as a person would. */
  const signIn = async (page: Page, key: string): Promise<void> => {
    await page.goto(`${hub.url}/app/`);
    await page.fill('input[name=apiKey]', key);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=ticket-table][data-loading=false]');
  };

  const rowIds = (page: Page) =>
    page.$$eval('[data-testid=ticket-row]', (rows) => rows.map((row) => row.getAttribute('data-ticket-id')));

  /** Waits until the inbox shows exactly these tickets, in this order. */
  const expectRows = async (page: Page, ids: string[]): Promise<void> => {
    await eventually(
      async () => JSON.stringify(await rowIds(page)) === JSON.stringify(ids),
      30_000,
      `the inbox to show ${ids.length} tickets`,
    );
  };

  const inboxIds = async (query: Record<string, string>) =>
    (
      (await api(`/v1/tickets?${new URLSearchParams({ ...query, limit: '100' }).toString()}`).expect(200))
        .body.data as TicketRow[]
    ).map((ticket) => ticket.id);

  beforeAll(async () => {
    hub = await TestHub.start({ HUB_ALLOW_PRIVATE_URLS: 'true', HUB_ALLOW_PRIVATE_WEBHOOK_URLS: 'true' });
    admin = await createTenant(hub, '杭州小杯子旗舰店');
    for (const [name, role] of [
      ['agentA', 'agent'],
      ['agentB', 'agent'],
      ['viewer', 'viewer'],
    ] as const) {
      const issued = await hub.http
        .post('/v1/api-keys')
        .set(admin.auth)
        .send({ role, name: `${name}` })
        .expect(201);
      keys[name] = issued.body.key as string;
    }
    shop = await GenericShop.connect(hub, admin);
    await taobao.start();
    const connection = await hub.http
      .post('/v1/connections')
      .set(admin.auth)
      .send({
        platform: 'taobao',
        name: '淘宝旗舰店',
        shopId: taobao.shopId,
        credentials: taobao.credentials,
        apiBaseUrl: taobao.url,
      })
      .expect(201);
    taobaoConnection = connection.body.id as string;
    await taobao.generateCases(6);
    await hub.http.post(`/v1/connections/${taobaoConnection}/sync`).set(admin.auth).expect(202);
    damaged.push(await shop.ticket({ reason: '收到的杯子有破损，杯口裂了' }));
    damaged.push(await shop.ticket({ reason: '包装破损，盘子碎了两个', kind: 'refund_only' }));
    await shop.ticket({ reason: '快递一直没收到', reasonCode: 'not_received' });
    await eventually(
      async () => (await inboxIds({ platform: 'taobao' })).length >= 6,
      45_000,
      'the Taobao cases in the inbox',
    );
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await taobao.stop();
    await hub.close();
  });

  it('signs in with an API key and shows the inbox in Chinese, then in English', async () => {
    const page = await newPage();
    await signIn(page, keys.agentA);
    await expectRows(page, await inboxIds({}));
    expect(await page.textContent('thead')).toContain('金额');
    expect(await page.evaluate("sessionStorage.getItem('hub.apiKey')")).toBe(keys.agentA);
    await screenshot(page, 'inbox-zh');
    await page.click('button:has-text("English")');
    await page.waitForSelector('th:has-text("Amount")');
    await screenshot(page, 'inbox-en');
    await page.click('button:has-text("中文")');
    await page.waitForSelector('th:has-text("金额")');
  });

  it('filters the inbox by platform and searches 破损, showing what the API answers', async () => {
    const page = await newPage();
    await signIn(page, keys.agentA);
    await page.click('details[data-filter=platform] summary');
    await page.check('input[name="platform.taobao"]');
    await expectRows(page, await inboxIds({ platform: 'taobao' }));
    expect(page.url()).toContain('platform=taobao');
    await page.click('button:has-text("清除筛选")');
    await expectRows(page, await inboxIds({}));

    await page.keyboard.press('/');
    await page.keyboard.type('破损');
    await page.keyboard.press('Enter');
    const found = await inboxIds({ q: '破损' });
    expect(found).toEqual(expect.arrayContaining(damaged.map((ticket) => ticket.id)));
    await expectRows(page, found);
    await screenshot(page, 'inbox-search');

    // Keyboard: j moves down, Enter opens the selected ticket.
    await page.click('body', { position: { x: 5, y: 5 } });
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-testid=ticket]`);
    expect(page.url()).toContain(`#/tickets/${found[1]}`);
  });

  it('approves a Taobao refund: pending, then succeeded upstream and on the page', async () => {
    const [ticketId] = await inboxIds({ platform: 'taobao', stage: 'requested' });
    const ticket = (await api(`/v1/tickets/${ticketId}`).expect(200)).body as TicketRow;
    const page = await newPage();
    await signIn(page, keys.agentA);
    await page.goto(`${hub.url}/app/#/tickets/${ticketId}`);
    await page.waitForSelector('[data-testid=case]');
    await screenshot(page, 'ticket');
    await page.click('button[data-action=approve_refund]');
    await page.click('[data-testid=decision-form] button[type=submit]');
    await page.waitForSelector('[data-testid=action][data-action-type=approve_refund]');
    await page.waitForSelector(
      '[data-testid=action][data-action-type=approve_refund][data-status=succeeded]',
      {
        timeout: 60_000,
      },
    );
    await page.waitForSelector(
      '[data-testid=ticket][data-stage=refunding], [data-testid=ticket][data-stage=refunded]',
    );
    const agreed = taobao
      .calls()
      .filter(
        (call) =>
          call.apiMethod === 'taobao.rp.refunds.agree' &&
          call.body.includes(ticket.externalId) &&
          call.status === 200,
      );
    expect(agreed).toHaveLength(1);
    expect(await page.textContent('[data-testid=action-message]')).toContain('平台返回');
    await screenshot(page, 'ticket-refund-succeeded');
  });

  it('holds a large Taobao refund for the SMS code the platform sends, and completes it with the code typed in', async () => {
    const [refundId] = await taobao.generateCases(1);
    taobao.modifyRefund(refundId, { refundFen: SANDBOX_SMS_THRESHOLD_FEN + 100 });
    const ticketId = await eventually(
      async () => {
        await hub.http.post(`/v1/connections/${taobaoConnection}/sync`).set(admin.auth).expect(202);
        const list = (await api(`/v1/tickets?q=${refundId}`).expect(200)).body.data as TicketRow[];
        return list.find((ticket) => ticket.externalId === refundId)?.id;
      },
      45_000,
      `the large refund ${refundId} in the inbox`,
    );
    const page = await newPage();
    await signIn(page, keys.agentA);
    await page.goto(`${hub.url}/app/#/tickets/${ticketId}`);
    await page.waitForSelector('[data-testid=case]');
    await page.click('button[data-action=approve_refund]');
    await page.click('[data-testid=decision-form] button[type=submit]');
    await page.waitForSelector('[data-testid=action][data-status=needs_verification]');
    expect(await page.textContent('[data-testid=verification-message]')).toContain('短信验证码');
    const code = await eventually(async () => taobao.smsCodeFor(refundId), 10_000, 'the SMS code');
    await page.fill('[data-testid=verify-form] input[name=code]', code);
    await screenshot(page, 'ticket-verification');
    await page.click('[data-testid=verify-form] button[type=submit]');
    await page.waitForSelector(
      '[data-testid=action][data-action-type=approve_refund][data-status=succeeded]',
      {
        timeout: 60_000,
      },
    );
  });

  it('explains a stale edit (412) between two agents and reloads', async () => {
    const ticket = damaged[0];
    const pageA = await newPage();
    const pageB = await newPage();
    // B's stream is down (it connects, hears nothing): B's view goes stale, as on a bad network.
    await pageB
      .context()
      .route('**/v1/stream**', (route) =>
        route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'retry: 600000\n\n' }),
      );
    await signIn(pageA, keys.agentA);
    await signIn(pageB, keys.agentB);
    const start = ((await api(`/v1/tickets/${ticket.id}`).expect(200)).body as TicketRow).version;
    for (const page of [pageA, pageB]) {
      await page.goto(`${hub.url}/app/#/tickets/${ticket.id}`);
      await page.waitForSelector(`[data-testid=ticket][data-version="${start}"]`);
    }
    await pageA.selectOption('select[name=status]', 'open');
    await pageA.waitForSelector(`[data-testid=ticket][data-version="${start + 1}"]`);

    await pageB.selectOption('select[name=severity]', 'high');
    await pageB.waitForSelector('[data-testid=conflict]');
    const banner = await pageB.textContent('[data-testid=conflict]');
    expect(banner).toContain(`第 ${start} 版`);
    expect(banner).toContain('状态变更');
    expect(banner).toContain('新建 → 处理中');
    await screenshot(pageB, 'ticket-conflict');
    await pageB.click('[data-testid=conflict] button');
    await pageB.waitForSelector(`[data-testid=ticket][data-version="${start + 1}"]`);
    expect(await pageB.$('[data-testid=conflict]')).toBeNull();
    await pageB.selectOption('select[name=severity]', 'high');
    await pageB.waitForSelector(`[data-testid=ticket][data-version="${start + 2}"]`);
    const after = (await api(`/v1/tickets/${ticket.id}`).expect(200)).body as {
      status: string;
      severity: string;
    };
    expect(after).toMatchObject({ status: 'open', severity: 'high' });
  });

  it('shows a new ticket live through the stream, without a reload', async () => {
    const page = await newPage();
    await signIn(page, keys.agentA);
    await page.waitForSelector('[data-testid=live-mode][data-mode=stream]');
    const marker = `直播到货-${Date.now()}`;
    const pushed = Date.now();
    await shop.push(genericCase({ reason: `${marker} 杯子破损` }));
    await page.waitForSelector(`[data-testid=ticket-row]:has-text("${marker}")`);
    const delayMs = Date.now() - pushed;
    expect(await page.getAttribute('[data-testid=live-mode]', 'data-mode')).toBe('stream');
    expect((await rowIds(page))[0]).toBe((await inboxIds({}))[0]);
    console.log(`stream: push acknowledged → row shown in ${delayMs} ms`);
  });

  it('lets a viewer read but not act', async () => {
    const page = await newPage();
    await signIn(page, keys.viewer);
    expect(await page.$('a[href="#/settings"]')).toBeNull();
    const [taobaoTicket] = await inboxIds({ platform: 'taobao', stage: 'requested' });
    await page.goto(`${hub.url}/app/#/tickets/${taobaoTicket}`);
    await page.waitForSelector('[data-testid=decisions]');
    expect(await page.$('[data-testid=work]')).toBeNull();
    const buttons = await page.$$eval('[data-testid=decisions] button[data-action]', (items) =>
      items.map((item) => item.hasAttribute('disabled')),
    );
    expect(buttons.length).toBeGreaterThan(0);
    expect(buttons.every(Boolean)).toBe(true);
  });

  it('draws the dashboard: indicators against thresholds (crossed in red), volume, refunds and problem SKUs with their numbers', async () => {
    // A dissatisfied buyer puts satisfaction below its default threshold.
    await hub.http
      .post(`/v1/tickets/${damaged[1].id}/csat`)
      .set('Authorization', `Bearer ${keys.agentA}`)
      .send({ score: 2, comment: '包装太差' })
      .expect(200);
    const overview = (await api('/v1/analytics/overview?tz=Asia%2FShanghai').expect(200)).body as {
      counts: { byPlatform: Record<string, number> };
      indicators: { key: string; state: string }[];
    };
    expect(overview.indicators.find((indicator) => indicator.key === 'satisfaction')?.state).toBe('breached');

    const page = await newPage();
    await page.goto(`${hub.url}/app/#signin=${encodeURIComponent(admin.apiKey)}`);
    await page.waitForSelector('[data-testid=ticket-table][data-loading=false]');
    await page.click('a[href="#/dashboard"]');
    for (const chart of ['chart-platform', 'chart-category', 'chart-refunds', 'chart-skus']) {
      await page.waitForSelector(`[data-testid=${chart}][data-rendered=true]`);
    }
    const shown = await page.$$eval('[data-testid=indicator]', (items) =>
      items.map((item) => ({
        key: item.getAttribute('data-key'),
        state: item.getAttribute('data-state'),
        red: item.classList.contains('indicator-breached'),
      })),
    );
    expect(shown.map(({ key, state }) => ({ key, state }))).toEqual(
      overview.indicators.map(({ key, state }) => ({ key, state })),
    );
    expect(shown.find((indicator) => indicator.key === 'satisfaction')).toMatchObject({ red: true });
    const beside = await page.textContent('[data-testid=volume-platform] table');
    expect(Object.keys(overview.counts.byPlatform).length).toBeGreaterThanOrEqual(2);
    for (const [platform, count] of Object.entries(overview.counts.byPlatform)) {
      const label = platform === 'taobao' ? '淘宝/天猫' : platform === 'generic' ? '自建商城' : platform;
      expect(beside).toContain(`${label}${count}`);
    }
    await screenshot(page, 'dashboard');

    // The threshold is the tenant's to set: at 0 the same satisfaction is no longer a crossing.
    await page.goto(`${hub.url}/app/#/settings/indicators`);
    await page.fill('input[name=satisfactionMin]', '0');
    await page.click('[data-testid=indicator-thresholds] button.primary');
    await page.waitForSelector('[data-testid=indicator-thresholds] .ok');
    await screenshot(page, 'settings-indicators');
    await page.goto(`${hub.url}/app/#/dashboard`);
    await page.waitForSelector('[data-testid=indicator][data-key=satisfaction]:not([data-state=breached])');
  });

  it('signs an admin in from a #signin= link and creates a connection with its platform fields', async () => {
    const page = await newPage();
    await page.goto(`${hub.url}/app/#signin=${encodeURIComponent(admin.apiKey)}`);
    await page.waitForSelector('[data-testid=ticket-table][data-loading=false]');
    expect(page.url()).not.toContain('signin');
    await page.click('a[href="#/settings"]');
    await page.waitForSelector('[data-testid=new-connection]');
    await page.selectOption('select[name=platform]', 'woocommerce');
    for (const field of ['consumerKey', 'consumerSecret', 'webhookSecret']) {
      await page.waitForSelector(`input[name="credentials.${field}"]`);
    }
    await page.selectOption('select[name=platform]', 'generic');
    await page.fill('input[name=name]', '自建商城 · 华东');
    await page.fill('input[name=shopId]', 'east-1');
    await page.fill('input[name="credentials.webhookSecret"]', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    await page.click('[data-testid=new-connection] button[type=submit]');
    const created = await page.textContent('[data-testid=connection-created]');
    const connections = (await api('/v1/connections').expect(200)).body.data as {
      name: string;
      webhookUrl: string;
    }[];
    const mine = connections.find((connection) => connection.name === '自建商城 · 华东');
    expect(mine).toBeDefined();
    expect(created).toContain(mine?.webhookUrl);
    await page.waitForSelector(`[data-testid=connection]:has-text("自建商城 · 华东")`);
    await screenshot(page, 'settings-connections');
  });
});
