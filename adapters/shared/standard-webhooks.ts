import { randomBytes } from 'node:crypto';
import { WebhookSignatureError } from '../contract';
import { hmacBase64, safeEqual } from './signing';

/** Standard Webhooks (https://www.standardwebhooks.com): `whsec_<base64 key>` secrets, `v1,<base64>` signatures. */
export const STANDARD_WEBHOOKS_TOLERANCE_SECONDS = 5 * 60;

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function secretKeyBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

export function signStandardWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string | Buffer,
): string {
  const payload = Buffer.concat([
    Buffer.from(`${id}.${timestampSeconds}.`),
    Buffer.isBuffer(body) ? body : Buffer.from(body),
  ]);
  return `v1,${hmacBase64('sha256', secretKeyBytes(secret), payload)}`;
}

export interface StandardWebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/** Throws WebhookSignatureError unless one of the space-separated v1 signatures matches and the time is fresh. */
export function verifyStandardWebhook(
  secret: string,
  headers: StandardWebhookHeaders,
  rawBody: Buffer,
  now: Date,
): { id: string; timestamp: number } {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) {
    throw new WebhookSignatureError(
      'webhook-id, webhook-timestamp and webhook-signature headers are required',
    );
  }
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds)) throw new WebhookSignatureError('webhook-timestamp is not unix seconds');
  if (Math.abs(now.getTime() / 1000 - seconds) > STANDARD_WEBHOOKS_TOLERANCE_SECONDS) {
    throw new WebhookSignatureError('webhook-timestamp is more than 5 minutes off');
  }
  const expected = signStandardWebhook(secret, id, seconds, rawBody);
  const matches = signature
    .split(' ')
    .some((candidate) => candidate.startsWith('v1,') && safeEqual(candidate, expected));
  if (!matches) throw new WebhookSignatureError('no signature matches');
  return { id, timestamp: seconds };
}
