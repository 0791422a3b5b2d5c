import type { MarketplaceSandbox } from './contract';
import { GenericSandbox } from './generic/generic.sandbox';

/** Every adapter's sandbox, for the demo and the end-to-end specs. */
export function createSandboxes(): MarketplaceSandbox[] {
  return [new GenericSandbox()];
}
