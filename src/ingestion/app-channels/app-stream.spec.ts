import {
  AdapterError,
  AdapterErrorCode,
  type AppMessage,
  type AppMessageStreamOptions,
  type MarketplaceAdapter,
} from '../../../adapters/contract';
import type { Connection } from '../../connections/connection.entity';
import { AppChannelHealth } from './app-channel-health';
import type { AppChannelLease } from './app-channel-lease';
import type { AppGroup } from './app-channels.service';
import { startAppStream, type AppStreamDeps } from './app-stream';

function connection(id: string, status: Connection['status'] = 'active'): Connection {
  return { id, status, platform: 'pinduoduo', shopId: id } as Connection;
}

function group(connections: Connection[]): AppGroup {
  return { platform: 'pinduoduo', appKey: 'client-1', fingerprint: 'f'.repeat(32), connections };
}

function setup(initial: AppGroup) {
  let options: AppMessageStreamOptions | null = null;
  const stopped = jest.fn(() => Promise.resolve());
  const enabled: string[] = [];
  let refuseEnable = true;
  const adapter = {
    openAppMessageStream: (given: AppMessageStreamOptions) => {
      options = given;
      return { stop: stopped };
    },
    enableAppMessages: (ctx: { connection: { id: string } }) => {
      if (refuseEnable && ctx.connection.id === 'b') {
        return Promise.reject(new AdapterError(AdapterErrorCode.TEMPORARY, 'gateway busy'));
      }
      enabled.push(ctx.connection.id);
      return Promise.resolve();
    },
  } as unknown as MarketplaceAdapter;
  let current: AppGroup | null = initial;
  const delivered: { group: AppGroup; messages: AppMessage[] }[] = [];
  const channels = {
    appContext: (app: AppGroup) => ({
      connection: {
        id: app.connections[0].id,
        credentials: { clientId: 'client-1' },
        apiBaseUrl: 'http://x',
      },
    }),
    deliver: (app: AppGroup, messages: AppMessage[]) => {
      delivered.push({ group: app, messages });
      return Promise.resolve({ routed: 1, stored: 1, duplicates: 0, unroutable: 0 });
    },
    group: () => Promise.resolve(current),
  };
  let leaseHeld = true;
  const lease = {
    renew: () => Promise.resolve(leaseHeld),
    release: jest.fn(() => Promise.resolve()),
  } as unknown as AppChannelLease & { release: jest.Mock };
  const logger = { log: () => undefined, warn: () => undefined } as unknown as AppStreamDeps['logger'];
  const health = {
    marked: [] as string[],
    cleared: [] as string[],
    markRefused: (_ids: string[], message: string) => {
      health.marked.push(message);
      return Promise.resolve(1);
    },
    clearRefused: (_ids: string[], message: string) => {
      health.cleared.push(message);
      return Promise.resolve(1);
    },
  };
  const deps = {
    health: new AppChannelHealth(health),
    adapter,
    channels,
    connections: { toAdapterConnection: (row: Connection) => ({ id: row.id }) },
    limiters: { forConnection: () => ({ acquire: () => Promise.resolve() }) },
    logger,
  } as unknown as AppStreamDeps;
  const running = startAppStream(deps, initial, lease, 'pinduoduo app client-1');
  return {
    running,
    options: () => options!,
    stopped,
    enabled,
    delivered,
    lease,
    setGroup: (next: AppGroup | null) => (current = next),
    loseLease: () => (leaseHeld = false),
    allowEnable: () => (refuseEnable = false),
    health,
  };
}

describe('startAppStream', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('stores each message through the app channel with the app’s current connections', async () => {
    const app = group([connection('a')]);
    const stream = setup(app);
    const message: AppMessage = {
      shopKeys: ['a'],
      event: { dedupeKey: 'k', eventType: 'pdd_refund_RefundCreated', externalId: '1', payload: '{}' },
    };
    const grown = group([connection('a'), connection('c')]);
    stream.setGroup(grown);
    await jest.advanceTimersByTimeAsync(5_000);
    await stream.options().deliver(message);
    expect(stream.delivered).toEqual([{ group: grown, messages: [message] }]);
    expect(stream.options().credentials).toEqual({ clientId: 'client-1' });
    stream.running.stop();
    await stream.running.done;
  });

  it('opens the channel to each active shop, and retries a refused one at the next refresh', async () => {
    const stream = setup(group([connection('a'), connection('b'), connection('p', 'paused')]));
    await jest.advanceTimersByTimeAsync(0);
    expect(stream.enabled).toEqual(['a']);
    stream.allowEnable();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(stream.enabled).toEqual(['a', 'b']);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(stream.enabled).toEqual(['a', 'b']);
    stream.running.stop();
    await stream.running.done;
  });

  it('sets the app’s connections to error when the handshake refuses its credentials, and clears it once accepted', async () => {
    const stream = setup(group([connection('a')]));
    stream.options().onAccepted?.();
    stream.options().onRefused?.(new AdapterError(AdapterErrorCode.TEMPORARY, 'HTTP 502'));
    stream
      .options()
      .onRefused?.(new AdapterError(AdapterErrorCode.AUTH, 'Pinduoduo error 20004 (签名sign校验失败)'));
    stream
      .options()
      .onRefused?.(new AdapterError(AdapterErrorCode.AUTH, 'Pinduoduo error 20004 (签名sign校验失败)'));
    await jest.advanceTimersByTimeAsync(0);
    expect(stream.health.marked).toEqual([
      'AUTH: Pinduoduo error 20004 (签名sign校验失败)',
      'AUTH: Pinduoduo error 20004 (签名sign校验失败)',
    ]);
    expect(stream.health.cleared).toEqual([]);
    stream.options().onAccepted?.();
    stream.options().onAccepted?.();
    await jest.advanceTimersByTimeAsync(0);
    expect(stream.health.cleared).toEqual(['AUTH: Pinduoduo error 20004 (签名sign校验失败)']);
    stream.running.stop();
    await stream.running.done;
  });

  it('stops the stream and releases the lease when the lease is lost or the app has no connection left', async () => {
    for (const end of ['lease', 'group'] as const) {
      const stream = setup(group([connection('a')]));
      if (end === 'lease') stream.loseLease();
      else stream.setGroup(null);
      await jest.advanceTimersByTimeAsync(5_000);
      await stream.running.done;
      expect(stream.stopped).toHaveBeenCalledTimes(1);
      expect(stream.lease.release).toHaveBeenCalledTimes(1);
    }
  });
});
