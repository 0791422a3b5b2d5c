import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function md5Hex(input: string | Buffer): string {
  return createHash('md5').update(input).digest('hex');
}

export function hmacHex(
  algorithm: 'md5' | 'sha256',
  secret: string | Buffer,
  input: string | Buffer,
): string {
  return createHmac(algorithm, secret).update(input).digest('hex');
}

export function hmacBase64(algorithm: 'sha256', secret: string | Buffer, input: string | Buffer): string {
  return createHmac(algorithm, secret).update(input).digest('base64');
}

/** Compares two signatures in constant time (for equal lengths; unequal lengths are simply false). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The "secret + sorted name value pairs + secret" string shared by TOP, JD and PDD (PDD and JD hash it
 * with MD5; TOP with MD5 or HMAC-MD5 keyed by the secret).
 */
export function sortedConcat(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign' && params[key] !== undefined && params[key] !== '')
    .sort()
    .map((key) => `${key}${params[key]}`)
    .join('');
}

export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
