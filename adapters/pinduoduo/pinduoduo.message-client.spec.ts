import type { AdapterError, AppMessage, AppMessageStream } from '../contract';
import { sandboxContext } from '../shared/testing/sandbox';
import { PddMessageClient, reconnectDelay, type PddSocketState } from './pinduoduo.message-client';
import { pddMessageServiceBase, readPddRefundContent, type PddStoredMessage } from './pinduoduo.messages';
import { PinduoduoAdapter } from './pinduoduo.adapter';
import { pddHandshakeRefusal } from './pinduoduo.errors';
import { PinduoduoSandbox } from './pinduoduo.sandbox';

const FAST_BACKOFF = { initialMs: 50, maxMs: 400 };

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('reconnectDelay', () => {
  it('doubles from the first step to the cap, half of each step fixed and half random', () => {
    const backoff = { initialMs: 1000, maxMs: 60_000 };
    expect(reconnectDelay(0, backoff, () => 0)).toBe(500);
    expect(reconnectDelay(0, backoff, () => 1)).toBe(1000);
    expect(reconnectDelay(3, backoff, () => 0.5)).toBe(6000);
    expect(reconnectDelay(40, backoff, () => 1)).toBe(60_000);
  });
});

describe('PddMessageClient against the sandbox message service', () => {
  const sandbox = new PinduoduoSandbox({ serverHeartbeatMs: 100, clientSilenceTimeoutMs: 400 });
  let port = 0;
  const clients: PddMessageClient[] = [];

  beforeAll(async () => {
    await sandbox.start();
    port = Number(new URL(sandbox.url).port);
    sandbox.permitMall(sandbox.shopId);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.stop();
  });
  afterAll(() => sandbox.stop());

  function connect(
    onMessage: (type: string, mallId: string, content: string) => Promise<void>,
    overrides: { clientSecret?: string; heartbeatIntervalMs?: number; now?: () => number } = {},
  ): { client: PddMessageClient; states: [PddSocketState, string | null][]; refusals: AdapterError[] } {
    const states: [PddSocketState, string | null][] = [];
    const refusals: AdapterError[] = [];
    const client = new PddMessageClient({
      base: pddMessageServiceBase(sandbox.url),
      clientId: sandbox.credentials.clientId,
      clientSecret: overrides.clientSecret ?? sandbox.credentials.clientSecret,
      onMessage: (message) => onMessage(message.type, message.mallId, message.content),
      onState: (state, detail) => states.push([state, detail]),
      onRefused: (error) => refusals.push(error),
      heartbeatIntervalMs: overrides.heartbeatIntervalMs ?? 50,
      backoff: FAST_BACKOFF,
      now: overrides.now,
    });
    clients.push(client);
    client.start();
    return { client, states, refusals };
  }

  it('receives the messages of every mall of the app and acknowledges each only after it is stored', async () => {
    const second = sandbox.addMall();
    sandbox.permitMall(second.shopId);
    const stored: { mallId: string; refundId: string }[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { client } = connect(async (_type, mallId, content) => {
      await gate;
      stored.push({ mallId, refundId: readPddRefundContent(content).refundId ?? '' });
    });
    await until(() => client.isOpen, 'the socket to open');
    const ours = await sandbox.generateCases(2);
    const theirs = await sandbox.generateCasesFor(second.shopId, 1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const before = sandbox.messages.messageLog();
    expect(before.deliveries.length).toBeGreaterThanOrEqual(3);
    expect(before.acks).toEqual([]);
    release();
    await until(() => sandbox.messages.pendingIds().length === 0, 'every message acknowledged');
    expect(stored.map((row) => row.refundId).sort()).toEqual([...ours, ...theirs].sort());
    expect(stored.filter((row) => row.mallId === second.shopId).map((row) => row.refundId)).toEqual(theirs);
    expect(sandbox.messages.messageLog().strayAcks).toEqual([]);
    expect(sandbox.messages.messageLog().heartbeats).toBeGreaterThan(0);
  });

  it('answers Fail when a message cannot be stored, and takes it again after a dropped socket', async () => {
    let failing = true;
    const stored: string[] = [];
    const { client, states } = connect((type) => {
      if (failing) return Promise.reject(new Error('database unavailable'));
      stored.push(type);
      return Promise.resolve();
    });
    await until(() => client.isOpen, 'the socket to open');
    const [id] = await sandbox.generateCases(1);
    await until(() => sandbox.messages.messageLog().fails.length > 0, 'a Fail answer');
    expect(sandbox.messages.messageLog().fails.at(-1)?.reason).toBe('database unavailable');
    expect(sandbox.messages.pendingIds()).toHaveLength(1);
    failing = false;
    const opened = states.filter(([state]) => state === 'open').length;
    sandbox.messages.dropSockets();
    await until(() => states.filter(([state]) => state === 'open').length > opened, 'a reconnect');
    await until(() => sandbox.messages.pendingIds().length === 0, 'the redelivered message acknowledged');
    expect(stored).toEqual(['pdd_refund_RefundCreated']);
    expect(states.some(([state]) => state === 'closed')).toBe(true);
    expect(sandbox.caseState(id)).toBeDefined();
  });

  it('survives a restart of the service on the same port, with what was published meanwhile', async () => {
    const stored: string[] = [];
    const { client } = connect((_type, _mall, content) => {
      stored.push(content);
      return Promise.resolve();
    });
    await until(() => client.isOpen, 'the socket to open');
    await sandbox.stop();
    await sandbox.generateCases(2);
    await sandbox.start(port);
    await until(() => client.isOpen, 'the socket to open again', 15_000);
    await until(() => sandbox.messages.pendingIds().length === 0, 'messages of the outage acknowledged');
    expect(stored).toHaveLength(2);
  });

  it('is refused with a wrong secret or a stale timestamp, and keeps retrying with backoff', async () => {
    const before = sandbox.messages.messageLog().refusals.length;
    const wrong = connect(() => Promise.resolve(), { clientSecret: 'not-the-secret' });
    await until(
      () => wrong.states.filter(([state]) => state === 'refused').length >= 2,
      'two refused handshakes',
    );
    expect(wrong.states.find(([state]) => state === 'refused')?.[1]).toMatch(/^HTTP 401: .*20004/);
    expect(wrong.refusals[0]).toMatchObject({ code: 'AUTH', upstream: { code: '20004' } });
    const stale = connect(() => Promise.resolve(), { now: () => Date.now() - 11 * 60_000 });
    await until(() => stale.states.some(([state]) => state === 'refused'), 'a stale timestamp refused');
    expect(stale.states.find(([state]) => state === 'refused')?.[1]).toMatch(/10001/);
    expect(stale.refusals[0]?.code).toBe('INVALID');
    expect(sandbox.messages.messageLog().refusals.length).toBeGreaterThan(before);
    expect(wrong.client.isOpen).toBe(false);
  });

  it('is dropped by the service when it sends no heartbeats, and comes back', async () => {
    const { client, states } = connect(() => Promise.resolve(), { heartbeatIntervalMs: 60_000 });
    await until(() => client.isOpen, 'the socket to open');
    await until(() => states.some(([state]) => state === 'closed'), 'the service to drop a silent client');
    expect(states.find(([state]) => state === 'closed')?.[1]).toMatch(/1001 heartbeat timeout/);
  });
});

describe('PinduoduoAdapter message stream', () => {
  const sandbox = new PinduoduoSandbox({ serverHeartbeatMs: 100 });
  const adapter = new PinduoduoAdapter();
  let stream: AppMessageStream | null = null;

  beforeAll(() => sandbox.start());
  afterAll(async () => {
    await stream?.stop();
    await sandbox.stop();
  });

  it('delivers refund messages with their mall, and resolves a stored one by re-reading the case', async () => {
    const delivered: AppMessage[] = [];
    stream = adapter.openAppMessageStream({
      credentials: sandbox.credentials,
      apiBaseUrl: sandbox.url,
      deliver: (message) => {
        delivered.push(message);
        return Promise.resolve();
      },
    });
    const silent = await sandbox.generateCases(1);
    await adapter.enableAppMessages(sandboxContext(sandbox));
    const [id] = await until(() => sandbox.messages.openSockets() > 0, 'the adapter socket').then(() =>
      sandbox.generateCases(1),
    );
    const message = await until(() => delivered[0], 'a delivered message');
    // A mall's changes are published only once the app opened the message service to it.
    expect(delivered.map((one) => one.event.externalId)).not.toContain(silent[0]);
    expect(message.shopKeys).toEqual([sandbox.shopId]);
    expect(message.event).toMatchObject({ eventType: 'pdd_refund_RefundCreated', externalId: id });
    expect((JSON.parse(message.event.payload) as PddStoredMessage).mallID).toBe(sandbox.shopId);
    const resolved = await adapter.resolveEvent(sandboxContext(sandbox), message.event);
    expect(resolved?.externalId).toBe(id);
    await until(() => sandbox.messages.pendingIds().length === 0, 'the message acknowledged');
    expect(adapter.capabilities.appChannel?.appKeyCredential).toBe('clientId');
  });
});

describe('pddHandshakeRefusal', () => {
  it('maps the gateway code of the body, and a bare refusal by its status', () => {
    const body = (code: number) => JSON.stringify({ error_response: { error_code: code, error_msg: 'x' } });
    expect(pddHandshakeRefusal(401, body(20004)).code).toBe('AUTH');
    expect(pddHandshakeRefusal(401, body(10016)).code).toBe('AUTH');
    expect(pddHandshakeRefusal(401, body(10001)).code).toBe('INVALID');
    expect(pddHandshakeRefusal(401, '<html>').code).toBe('AUTH');
    expect(pddHandshakeRefusal(502, 'bad gateway').code).toBe('TEMPORARY');
  });
});
