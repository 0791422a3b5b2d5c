import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { lookup as lookupCallback } from 'node:dns';

/** Addresses a webhook must never reach: private, loopback, link-local (cloud metadata), CGNAT, multicast, reserved. */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1], 'ipv4');
  return BLOCKED.check(address, 'ipv6');
}

export class BlockedUrlError extends Error {}

/** Refuses a URL that is not http(s) or whose host resolves to a blocked address (unless private ones are allowed). */
export async function assertPublicUrl(url: string, allowPrivate: boolean): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BlockedUrlError('not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new BlockedUrlError('only http and https URLs are allowed');
  if (parsed.username || parsed.password) throw new BlockedUrlError('URLs with credentials are not allowed');
  if (allowPrivate) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    throw new BlockedUrlError(`${host} does not resolve`);
  }
  const blocked = addresses.find(isBlockedAddress);
  if (blocked)
    throw new BlockedUrlError(`${host} resolves to ${blocked}, a private, loopback or link-local address`);
}

/**
 * A DNS lookup for the delivery agent that refuses blocked addresses at connect time, so a name that
 * changes its answer after the check (DNS rebinding) still cannot reach inside.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  lookupCallback(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) {
      callback(error, '', 0);
      return;
    }
    const list = addresses as unknown as { address: string; family: number }[];
    const blocked = list.find((entry) => isBlockedAddress(entry.address));
    if (blocked) {
      callback(
        new BlockedUrlError(
          `${hostname} resolves to ${blocked.address}, a private, loopback or link-local address`,
        ),
        '',
        0,
      );
      return;
    }
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(
        null,
        list,
      );
      return;
    }
    callback(null, list[0].address, list[0].family);
  });
};
