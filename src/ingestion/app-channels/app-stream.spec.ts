import {
  AdapterError,
  AdapterErrorCode,
  type AppMessage,
  type AppMessageStreamOptions,
  type MarketplaceAdapter,
} from '../../../adapters/contract';
import type { Connection } from '../../connections/connection.entity';
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
  const deps = {
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
