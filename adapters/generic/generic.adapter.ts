import {
  AdapterError,
  AdapterErrorCode,
  WebhookSignatureError,
  type ActionOutcome,
  type AdapterCapabilities,
  type AdapterConnection,
  type IncomingPush,
  type InboundEventDraft,
  type MarketplaceAdapter,
  type NormalizedCase,
  type VerifiedPush,
} from '../contract';
import { idString, parseLosslessJson } from '../shared/lossless-json';
import { headerValue } from '../shared/signing';
import { verifyStandardWebhook } from '../shared/standard-webhooks';
import { mapGenericCase, parseGenericPush } from './generic.mapper';

/**
 * Custom storefronts push canonical cases signed with Standard Webhooks
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md).
 * There is no API to pull from or act on, so decisions stay in the hub.
 */
export class GenericAdapter implements MarketplaceAdapter {
  readonly capabilities: AdapterCapabilities = {
    platform: 'generic',
    displayName: 'Custom storefront (Standard Webhooks)',
    push: 'webhook',
    pull: false,
    actions: [],
    actionStages: {},
    rateLimit: { requestsPerSecond: 0, note: 'push only; no upstream API' },
    credentials: [{ name: 'webhookSecret', required: true }],
    docs: 'https://www.standardwebhooks.com',
  };

  defaultApiBaseUrl(): string | null {
    return null;
  }

  verifyWebhook(push: IncomingPush, connection: AdapterConnection, now: Date): VerifiedPush {
    const secret = connection.credentials.webhookSecret;
    if (!secret) throw new WebhookSignatureError('the connection has no webhookSecret');
    const { id } = verifyStandardWebhook(
      secret,
      {
        id: headerValue(push.headers, 'webhook-id'),
        timestamp: headerValue(push.headers, 'webhook-timestamp'),
        signature: headerValue(push.headers, 'webhook-signature'),
      },
      push.rawBody,
      now,
    );
    const payload = push.rawBody.toString('utf8');
    return {
      events: [{ dedupeKey: id, eventType: 'case.upserted', externalId: peekExternalId(payload), payload }],
    };
  }

  async resolveEvent(_ctx: unknown, event: InboundEventDraft): Promise<NormalizedCase> {
    return mapGenericCase(parseGenericPush(event.payload).data);
  }

  perform(): Promise<ActionOutcome> {
    return Promise.reject(
      new AdapterError(AdapterErrorCode.UNSUPPORTED, 'custom storefronts take no decisions through the hub'),
    );
  }
}

/** Best effort, for listing failed events: a malformed body is still stored and fails later with its reason. */
function peekExternalId(payload: string): string | null {
  try {
    // The native parser is exact for an id sent as a string (the usual case, and faster); a numeric id is
    // read again without losing digits.
    const quick = (JSON.parse(payload) as { data?: { externalId?: unknown } } | null)?.data?.externalId;
    if (typeof quick === 'string') return idString(quick);
    const body = parseLosslessJson(payload) as { data?: { externalId?: unknown } };
    return idString(body?.data?.externalId);
  } catch {
    return null;
  }
}
