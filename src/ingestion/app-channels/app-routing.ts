import type { AppMessage, InboundEventDraft } from '../../../adapters/contract';

/** What routing needs of a connection: its id and the platform's id of its shop. */
export interface RoutableConnection {
  id: string;
  shopId: string;
}

export interface RoutedMessages<C extends RoutableConnection> {
  /** Each connection with the events of its own shop, in the order they came. */
  deliveries: { connection: C; events: InboundEventDraft[] }[];
  /** Messages naming no shop connected here (or no shop at all): kept aside, never given to another shop. */
  unroutable: AppMessage[];
}

/**
 * Gives each message of an app's channel to the connections whose `shopId` equals one of the shop keys it
 * carries (exactly, after trimming; TOP sends both `user_id` and `user_nick`, so either may be the shopId).
 * The same shop connected in two tenants gets the message in both; a message no connection's shop matches is
 * unroutable. Nothing is guessed: no default connection, no prefix or case-insensitive matching.
 */
export function routeAppMessages<C extends RoutableConnection>(
  connections: readonly C[],
  messages: readonly AppMessage[],
): RoutedMessages<C> {
  const byShop = new Map<string, C[]>();
  for (const connection of connections) {
    const shop = connection.shopId.trim();
    if (shop === '') continue;
    byShop.set(shop, [...(byShop.get(shop) ?? []), connection]);
  }
  const events = new Map<string, { connection: C; events: InboundEventDraft[] }>();
  const unroutable: AppMessage[] = [];
  for (const message of messages) {
    const targets = new Map<string, C>();
    for (const key of message.shopKeys) {
      for (const connection of byShop.get(key.trim()) ?? []) targets.set(connection.id, connection);
    }
    if (targets.size === 0) {
      unroutable.push(message);
      continue;
    }
    for (const connection of targets.values()) {
      const delivery = events.get(connection.id) ?? { connection, events: [] };
      delivery.events.push(message.event);
      events.set(connection.id, delivery);
    }
  }
  return { deliveries: [...events.values()], unroutable };
}
