import { lookup as lookupCallback } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Addresses the hub must never call on a tenant's behalf (upstream APIs, outbound webhooks): private,
 * loopback, link-local (cloud metadata), CGNAT, multicast and reserved networks, plus every IPv6 form
 * that carries an IPv4 address inside it (a NAT64 or 6to4 gateway would route it to the IPv4 target).
 */
const BLOCKED_IPV4 = new BlockList();
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
  BLOCKED_IPV4.addSubnet(network, prefix, 'ipv4');
}
/** Separate from the IPv4 list: BlockList matches IPv4 addresses against IPv6 rules through their mapped form. */
const BLOCKED_IPV6 = new BlockList();
for (const [network, prefix] of [
  // IPv4-compatible (deprecated, includes :: and ::1), IPv4-mapped, IPv4-translated (SIIT)
  ['::', 96],
  ['::ffff:0:0', 96],
  ['::ffff:0:0:0', 96],
  // NAT64: the well-known prefix and the local-use one; 6to4
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2002::', 16],
  // discard-only, unique local, link-local, site-local (deprecated), multicast
  ['100::', 64],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED_IPV6.addSubnet(network, prefix, 'ipv6');
}

export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED_IPV4.check(address, 'ipv4');
  if (family === 6) return BLOCKED_IPV6.check(address.replace(/%.*$/, ''), 'ipv6');
  return true;
}

export class BlockedUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlockedUrlError';
  }
}

export interface UrlPolicy {
  /** Private addresses allowed (tests, demos, sandboxes on loopback). */
  allowPrivate: boolean;
  /** Only https (production): credentials and payloads never travel in clear text. */
  requireHttps?: boolean;
  /** A name that does not resolve now is refused (webhooks); otherwise it is left to the connect-time check. */
  refuseUnresolvable?: boolean;
}

function blockedMessage(host: string, address: string): string {
  return host === address
    ? `${address} is a private, loopback or link-local address`
    : `${host} resolves to ${address}, a private, loopback or link-local address`;
}

/** The scheme, credential and literal-address checks, without DNS: cheap enough for every request. */
export function assertAllowedUrlSyntax(url: string, policy: UrlPolicy): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BlockedUrlError('not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new BlockedUrlError('only http and https URLs are allowed');
  if (policy.requireHttps && parsed.protocol !== 'https:')
    throw new BlockedUrlError('only https URLs are allowed in production');
  if (parsed.username || parsed.password) throw new BlockedUrlError('URLs with credentials are not allowed');
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivate && isIP(host) && isBlockedAddress(host))
    throw new BlockedUrlError(blockedMessage(host, host));
  return parsed;
}

/** Refuses a URL that is not http(s) or whose host resolves to a blocked address (unless private ones are allowed). */
export async function assertPublicUrl(url: string, policy: UrlPolicy): Promise<void> {
  const parsed = assertAllowedUrlSyntax(url, policy);
  if (policy.allowPrivate) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return;
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    if (policy.refuseUnresolvable) throw new BlockedUrlError(`${host} does not resolve`);
    return;
  }
  const blocked = addresses.find(isBlockedAddress);
  if (blocked) throw new BlockedUrlError(blockedMessage(host, blocked));
}

/**
 * A DNS lookup for HTTP agents that refuses blocked addresses at connect time, so a name that changes
 * its answer after the check (DNS rebinding) still cannot reach inside.
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
      callback(new BlockedUrlError(blockedMessage(hostname, blocked.address)), '', 0);
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
