import type { AppConfig } from '../../config/env.config';
import type { UrlPolicy } from '../../adapters/shared/address-guard';

/** The hub shares the adapters' address rules, so upstream calls and outbound webhooks refuse the same places. */
export {
  assertPublicUrl,
  BlockedUrlError,
  guardedLookup,
  isBlockedAddress,
} from '../../adapters/shared/address-guard';

/** Outbound webhooks: a subscriber's URL must resolve now, and to a public address. */
export function webhookUrlPolicy(config: Pick<AppConfig, 'allowPrivateUrls'>): UrlPolicy {
  return { allowPrivate: config.allowPrivateUrls, refuseUnresolvable: true };
}

/**
 * Connections: https only in production; a name that does not resolve yet is accepted (a gateway may be
 * unreachable from where the hub runs now) because every connection is checked again at connect time.
 */
export function upstreamUrlPolicy(config: Pick<AppConfig, 'allowPrivateUrls' | 'nodeEnv'>): UrlPolicy {
  return { allowPrivate: config.allowPrivateUrls, requireHttps: config.nodeEnv === 'production' };
}
