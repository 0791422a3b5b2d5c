import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot } from './support/browser';
import { GenericShop } from './support/generic-shop';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

interface TicketView {
  id: string;
  department: string;
  severity: string;
  tags: string[];
}

/**
 * An admin configures routing and the auto-refund policy through the workbench's forms, in a real browser, and
 * the hub acts on what was saved: a new ticket is routed by the new rule, and a dry-run verdict shows in the log.
 */
describe('workbench: an admin edits routing rules and the auto-refund policy through forms', () => {
  let hub: TestHub;
  let admin: TenantSession;
  let shop: GenericShop;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const newPage = async (path: string, locale = 'zh-CN'): Promise<Page> => {
    const context = await browser.newContext({
      locale,
      timezoneId: 'Asia/Shanghai',
      viewport: { width: 1440, height: 900 },
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${hub.url}/app/#signin=${encodeURIComponent(admin.apiKey)}`);
    await page.waitForSelector('[data-testid=ticket-table][data-loading=false]');
    await page.goto(`${hub.url}/app/#/settings/${path}`);
    return page;
  };

  const ticket = async (id: string): Promise<TicketView> =>
    (await hub.http.get(`/v1/tickets/${id}`).set(admin.auth).expect(200)).body as TicketView;

  beforeAll(async () => {
    hub = await TestHub.start({ HUB_SETTINGS_CACHE_TTL_MS: '200' });
    admin = await createTenant(hub, '杭州小杯子旗舰店');
    shop = await GenericShop.connect(hub, admin);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await hub.close();
  });

  it('adds a routing rule in the form, shows the server’s field errors, and routes a new ticket by it', async () => {
    const page = await newPage('routing');
    await page.waitForSelector('[data-testid=routing-rule]');
    const before = await page.$$eval('[data-testid=routing-rule]', (rules) => rules.length);
    await page.click('button[name=add-rule]');
    const index = before;
    const rule = `[data-testid=routing-rule][data-rule-index="${index}"]`;
    await page.waitForSelector(rule);

    // Nothing to do and no name: the server says so, next to the fields.
    await page.click('[data-testid=routing-form] button[name=save]');
    await page.waitForSelector(`[data-field-error="rules.${index}.name"]`);
    await page.fill(`${rule} input[name="rules.${index}.name"]`, '碎了找投诉组');
    await page.click('[data-testid=routing-form] button[name=save]');
    await page.waitForSelector(`[data-field-error="rules.${index}.then"]`);
    expect(await page.$(`[data-field-error="rules.${index}.name"]`)).toBeNull();
    await screenshot(page, 'settings-routing-errors');
    expect(await page.textContent('[data-testid=routing-form] [role=alert]')).toContain('未保存');
    await page.click(`${rule} button[name=up]`);
    const moved = `[data-testid=routing-rule][data-rule-index="${index - 1}"]`;
    expect(await page.inputValue(`${moved} input[name="rules.${index - 1}.name"]`)).toBe('碎了找投诉组');

    // Move it to the top: the first rule to set a field wins it.
    for (let at = index - 1; at > 0; at -= 1) {
      await page.click(`[data-testid=routing-rule][data-rule-index="${at}"] button[name=up]`);
    }
    const top = '[data-testid=routing-rule][data-rule-index="0"]';
    await page.click(`${top} details[data-filter="rules.0.when.kind"] summary`);
    await page.check(`${top} input[name="rules.0.when.kind.refund_only"]`);
    await page.click(`${top} details[data-filter="rules.0.when.kind"] summary`);
    await page.fill(`${top} input[name="rules.0.when.keywords"]`, '碎了，摔碎');
    await page.selectOption(`${top} select[name="rules.0.then.department"]`, 'complaints');
    await page.selectOption(`${top} select[name="rules.0.then.severity"]`, 'high');
    await page.fill(`${top} input[name="rules.0.then.tags"]`, '易碎品');
    await page.click('[data-testid=routing-form] button[name=save]');
    await page.waitForSelector('[data-testid=routing-form] .ok');
    expect(await page.$('[data-field-error]')).toBeNull();

    const saved = (await hub.http.get('/v1/routing-rules').set(admin.auth).expect(200)).body as {
      rules: unknown[];
      source: string;
    };
    expect(saved.source).toBe('tenant');
    expect(saved.rules).toHaveLength(before + 1);
    expect(saved.rules[0]).toEqual({
      name: '碎了找投诉组',
      when: { kind: ['refund_only'], keywords: ['碎了', '摔碎'] },
      then: { department: 'complaints', severity: 'high', tags: ['易碎品'] },
    });
    await screenshot(page, 'settings-routing');
    await page.click('button:has-text("English")');
    await page.waitForSelector('[data-testid=routing-form] h3:has-text("Routing rules")');
    expect(await page.textContent('[data-testid=routing-rule][data-rule-index="0"]')).toContain('Complaints');
    await screenshot(page, 'settings-routing-en');

    const routed = await shop.ticket({ kind: 'refund_only', reason: '盘子到的时候碎了两个' });
    const other = await shop.ticket({ kind: 'return_refund', reason: '盘子到的时候碎了两个' });
    await eventually(
      async () => {
        const view = await ticket(routed.id);
        return view.department === 'complaints' && view.severity === 'high' && view.tags.includes('易碎品');
      },
      15_000,
      'the new ticket routed by the new rule',
    );
    expect((await ticket(other.id)).tags).not.toContain('易碎品');
  });

  it('sets the auto-refund policy to dry run in the form, and a small case shows in the log', async () => {
    const page = await newPage('auto-refund');
    await page.waitForSelector('[data-testid=auto-refund-form] input[name=enabled]');
    await page.waitForSelector('[data-testid=auto-refund-log] table[data-loading=false]');
    await page.check('input[name=enabled]');
    await page.check('input[name=dryRun]');
    await page.fill('input[name="maxAmounts.0.amount"]', '50.00');
    await page.fill('input[name=withinDaysOfDelivery]', '七天');
    await page.click('[data-testid=auto-refund-form] button[name=save]');
    await page.waitForSelector('[data-field-error=withinDaysOfDelivery]');
    await screenshot(page, 'settings-auto-refund-errors');
    await page.fill('input[name=withinDaysOfDelivery]', '7');
    await page.selectOption('select[name=whenDeliveryUnknown]', 'skip');
    await page.fill('textarea[name=flaggedBuyerIds]', 'flagged-1\nflagged-2');
    await page.click('[data-testid=auto-refund-form] button[name=save]');
    await page.waitForSelector('[data-testid=auto-refund-form] .ok');
    expect(await page.$('[data-field-error]')).toBeNull();
    const policy = (await hub.http.get('/v1/policies/auto-refund').set(admin.auth).expect(200))
      .body as Record<string, unknown>;
    expect(policy).toMatchObject({
      enabled: true,
      dryRun: true,
      maxAmounts: expect.arrayContaining([{ amount: '50.00', currency: 'CNY' }]),
      withinDaysOfDelivery: 7,
      whenDeliveryUnknown: 'skip',
      flaggedBuyerIds: ['flagged-1', 'flagged-2'],
      source: 'tenant',
    });

    const delivered = new Date(Date.now() - 86_400_000).toISOString();
    const small = await shop.ticket({
      kind: 'refund_only',
      reason: '快递一直没收到',
      reasonCode: 'not_received',
      requestedAmount: { amount: '19.90', currency: 'CNY' },
      deliveredAt: delivered,
    });
    const large = await shop.ticket({
      kind: 'refund_only',
      reason: '快递一直没收到',
      reasonCode: 'not_received',
      requestedAmount: { amount: '88.00', currency: 'CNY' },
      deliveredAt: delivered,
    });
    const row = (id: string) => `[data-testid=decision-row][data-ticket-id="${id}"]`;
    await eventually(
      async () => {
        if ((await page.$(row(small.id))) && (await page.$(row(large.id)))) return true;
        await page.click('button[name=refresh-log]');
        await page.waitForSelector('[data-testid=auto-refund-log] table[data-loading=false]');
        return false;
      },
      20_000,
      'both verdicts in the log',
    );
    expect(await page.getAttribute(row(small.id), 'data-outcome')).toBe('dry_run');
    expect(await page.textContent(row(small.id))).toContain('¥19.90 CNY');
    expect(await page.textContent(row(small.id))).toContain('金额上限: 50.00 CNY');
    expect(await page.getAttribute(row(large.id), 'data-outcome')).toBe('skipped');
    expect(await page.textContent(row(large.id))).toContain('金额超出上限');
    const actions = await hub.http.get(`/v1/tickets/${small.id}/actions`).set(admin.auth).expect(200);
    expect(actions.body.data).toEqual([]);

    await page.selectOption('select[name=outcome]', 'dry_run');
    await page.waitForSelector(`${row(large.id)}`, { state: 'detached' });
    expect(await page.$(row(small.id))).not.toBeNull();
    await page.selectOption('select[name=outcome]', '');
    await page.waitForSelector(row(large.id));
    await screenshot(page, 'settings-auto-refund');

    await page.click('button:has-text("English")');
    await page.waitForSelector('[data-testid=auto-refund-log] th:has-text("Outcome")');
    expect(await page.textContent(row(small.id))).toContain('Dry run: would refund');
    expect(await page.textContent(row(large.id))).toContain('the amount is above the 50.00 CNY limit');
    await screenshot(page, 'settings-auto-refund-en');
  });
});
