import type { Logger } from '@nestjs/common';
import type { MarketplaceAdapter } from '../../../adapters/contract';
import { describeUpstreamFailure } from '../../common/upstream-failure';
import type { AppChannelHealth } from './app-channel-health';
import type { ConnectionsService } from '../../connections/connections.service';
import type { RateLimiterFactory } from '../../connections/rate-limiter.factory';
import type { AppChannelLease } from './app-channel-lease';
import type { AppChannelsService, AppGroup } from './app-channels.service';

/** How often a streamed app's lease is renewed and its connections read again (a shop added, one deleted). */
const STREAM_MAINTAIN_MS = 5_000;

export interface AppStreamDeps {
  adapter: MarketplaceAdapter;
  channels: AppChannelsService;
  connections: ConnectionsService;
  limiters: RateLimiterFactory;
  logger: Logger;
  /** The failure policy of the app's channel: a refused handshake sets the app's connections to `error`. */
  health: AppChannelHealth;
}

/**
 * One app's long-lived stream (the Pinduoduo message socket), held by the process that holds the app's lease:
 * each message is routed and stored by `AppChannelsService.deliver` before the stream acknowledges it upstream;
 * one that could not be stored is refused upstream and comes again, and the pull stays the backstop. The app's
 * channel is opened to each connection's shop where the platform asks for it (`enableAppMessages`), retried at
 * every refresh until it succeeds. Resolves `done` once the stream is stopped and the lease released.
 */
export function startAppStream(
  deps: AppStreamDeps,
  initial: AppGroup,
  lease: AppChannelLease,
  name: string,
): { stop(): void; done: Promise<void> } {
  const { adapter, channels, logger } = deps;
  let group = initial;
  const enabled = new Set<string>();
  let healthChain: Promise<unknown> = Promise.resolve();
  const track = (write: () => Promise<unknown>): void => {
    healthChain = healthChain.then(write).catch((error: unknown) => {
      logger.warn(`${name}: could not record the channel's standing: ${(error as Error).message}`);
    });
  };
  const { connection } = channels.appContext(initial);
  const stream = adapter.openAppMessageStream!({
    credentials: connection.credentials,
    apiBaseUrl: connection.apiBaseUrl,
    deliver: async (message) => {
      await channels.deliver(group, [message], group.connections);
    },
    onState: (state, detail) => {
      const line = `${name}: ${state}${detail ? ` (${detail})` : ''}`;
      if (state === 'closed' || state === 'refused') logger.warn(line);
      else logger.log(line);
    },
    // Health changes are chained so a refusal and the acceptance after it are written in that order.
    onRefused: (error) => track(() => deps.health.failed(group, error)),
    onAccepted: () => track(() => deps.health.succeeded(group)),
  });

  const enable = async (): Promise<void> => {
    if (!adapter.enableAppMessages) return;
    for (const shop of group.connections) {
      if (enabled.has(shop.id) || shop.status === 'paused') continue;
      try {
        await adapter.enableAppMessages({
          connection: deps.connections.toAdapterConnection(shop),
          limiter: deps.limiters.forConnection(shop),
          now: () => new Date(),
        });
        enabled.add(shop.id);
      } catch (error) {
        logger.warn(
          `${name}: messages not opened to connection ${shop.id}: ${describeUpstreamFailure(error)}`,
        );
      }
    }
  };

  let finish: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    void stream
      .stop()
      .catch(() => undefined)
      .then(() => lease.release())
      .finally(finish);
  };
  const maintain = async (): Promise<void> => {
    try {
      if (!(await lease.renew())) {
        logger.warn(`lost the lease of ${name}; another process streams it`);
        stop();
        return;
      }
      const fresh = await channels.group(group);
      if (!fresh) {
        stop();
        return;
      }
      group = fresh;
      await enable();
    } catch (error) {
      logger.warn(`${name}: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(() => void maintain(), STREAM_MAINTAIN_MS);
  timer.unref();
  logger.log(`streaming ${name} (${initial.connections.length} connection(s))`);
  void enable();
  return { stop, done: ended };
}
