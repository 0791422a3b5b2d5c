import type { MarketplaceAdapter } from './contract';
import { GenericAdapter } from './generic/generic.adapter';

/** The only place that knows which adapter serves which platform. */
export function createAdapters(): MarketplaceAdapter[] {
  return [new GenericAdapter()];
}
