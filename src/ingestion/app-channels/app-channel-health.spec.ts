import { AdapterError, AdapterErrorCode } from '../../../adapters/contract';
import type { Connection } from '../../connections/connection.entity';
import { AppChannelHealth, type AppChannelHealthStore } from './app-channel-health';
import type { AppGroup } from './app-channels.service';

/** The connections table and the outbox as the store sees them. */
function memoryStore(ids: string[]) {
  const rows = new Map(ids.map((id) => [id, { status: 'active', error: null as string | null }]));
  const events: { connectionId: string; error: string }[] = [];
  const store: AppChannelHealthStore = {
    markRefused: (connectionIds, message) => {
      let crossed = 0;
      for (const id of connectionIds) {
        const row = rows.get(id);
        if (row?.status !== 'active') continue;
        row.status = 'error';
        row.error = message;
        events.push({ connectionId: id, error: message });
        crossed += 1;
      }
      return Promise.resolve(crossed);
    },
    clearRefused: (connectionIds, message) => {
      let cleared = 0;
      for (const id of connectionIds) {
        const row = rows.get(id);
        if (row?.status !== 'error' || row.error !== message) continue;
        row.status = 'active';
        row.error = null;
        cleared += 1;
      }
      return Promise.resolve(cleared);
    },
  };
  return { store, rows, events };
}

function group(ids: string[]): AppGroup {
  return {
    platform: 'taobao',
    appKey: '12345678',
    fingerprint: 'f'.repeat(32),
    connections: ids.map((id) => ({ id, shopId: id }) as Connection),
  };
}

const refused = new AdapterError(AdapterErrorCode.AUTH, 'Invalid signature\n<html>banner</html>');

describe('AppChannelHealth', () => {
  it('sets every connection of the app to error with the bounded message, one event per crossing', async () => {
    const { store, rows, events } = memoryStore(['a', 'b']);
    const health = new AppChannelHealth(store);
    expect(await health.failed(group(['a', 'b']), refused)).toBe(true);
    expect(await health.failed(group(['a', 'b']), refused)).toBe(true);
    expect(await health.failed(group(['a', 'b']), refused)).toBe(true);
    expect([...rows.values()]).toEqual([
      { status: 'error', error: 'AUTH: Invalid signature <html>banner</html>' },
      { status: 'error', error: 'AUTH: Invalid signature <html>banner</html>' },
    ]);
    expect(events.map((event) => event.connectionId)).toEqual(['a', 'b']);
    expect(health.refused).toBe(true);
  });

  it('leaves the connections alone for failures that are not a refusal of the credentials', async () => {
    const { store, rows, events } = memoryStore(['a']);
    const health = new AppChannelHealth(store);
    for (const error of [
      new AdapterError(AdapterErrorCode.TEMPORARY, 'gateway busy'),
      new AdapterError(AdapterErrorCode.RATE_LIMITED, 'slow down'),
      new AdapterError(AdapterErrorCode.INVALID, 'timestamp'),
      new Error('socket hang up'),
    ]) {
      expect(await health.failed(group(['a']), error)).toBe(false);
    }
    expect(rows.get('a')).toEqual({ status: 'active', error: null });
    expect(events).toEqual([]);
    expect(health.refused).toBe(false);
  });

  it('clears what it set on the next success, and a later refusal crosses and emits again', async () => {
    const { store, rows, events } = memoryStore(['a', 'b', 'c']);
    rows.set('c', { status: 'error', error: 'AUTH: the shop session expired' });
    const health = new AppChannelHealth(store);
    await health.failed(group(['a', 'b', 'c']), refused);
    await health.succeeded(group(['a', 'b', 'c']));
    expect(rows.get('a')).toEqual({ status: 'active', error: null });
    expect(rows.get('b')).toEqual({ status: 'active', error: null });
    // An error the channel did not set (the shop's own token) is left for its own success to clear.
    expect(rows.get('c')).toEqual({ status: 'error', error: 'AUTH: the shop session expired' });
    expect(health.refused).toBe(false);
    await health.failed(group(['a', 'b', 'c']), refused);
    expect(events.map((event) => event.connectionId)).toEqual(['a', 'b', 'a', 'b']);
  });

  it('moves to the newest refusal message, and a paused connection stays paused', async () => {
    const { store, rows, events } = memoryStore(['a', 'p']);
    rows.set('p', { status: 'paused', error: null });
    const health = new AppChannelHealth(store);
    await health.failed(group(['a', 'p']), refused);
    await health.failed(group(['a', 'p']), new AdapterError(AdapterErrorCode.AUTH, 'App key revoked'));
    expect(rows.get('a')).toEqual({ status: 'error', error: 'AUTH: App key revoked' });
    expect(rows.get('p')).toEqual({ status: 'paused', error: null });
    expect(events.map((event) => event.error)).toEqual([
      'AUTH: Invalid signature <html>banner</html>',
      'AUTH: App key revoked',
    ]);
  });

  it('writes nothing on success when nothing was refused', async () => {
    const { store } = memoryStore(['a']);
    const clear = jest.spyOn(store, 'clearRefused');
    await new AppChannelHealth(store).succeeded(group(['a']));
    expect(clear).not.toHaveBeenCalled();
  });
});
