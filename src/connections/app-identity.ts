import { createHmac } from 'node:crypto';
import type { AppChannelSupport } from '../../adapters/contract';

/** Which developer app a connection's credentials belong to, for platforms with one channel per app. */
export interface AppIdentity {
  appKey: string;
  /** Keyed digest of the app key and secret: equal only for connections holding the same secret. */
  fingerprint: string;
}

/**
 * HMAC-SHA256 under the hub's master key (never a bare hash, so the stored digest cannot be tested against
 * guessed secrets without that key), with the platform and both values length-delimited.
 */
export function appIdentity(
  support: AppChannelSupport | undefined,
  platform: string,
  credentials: Record<string, string>,
  masterKey: Buffer,
): AppIdentity | null {
  if (!support) return null;
  const appKey = credentials[support.appKeyCredential];
  const appSecret = credentials[support.appSecretCredential];
  if (!appKey || !appSecret) return null;
  const fingerprint = createHmac('sha256', masterKey)
    .update(JSON.stringify(['app-channel', platform, appKey, appSecret]))
    .digest('hex')
    .slice(0, 32);
  return { appKey, fingerprint };
}
