import type { AdapterError } from './adapter-error';
import type { MinorMoney, NormalizedCase } from './normalized-case.type';
import type { Platform } from './platform.type';
import type { RateLimiter } from './rate-limiter.type';
import type { ActionType, TicketKind, TicketStage } from './ticket-vocabulary.type';

/** What an adapter knows of one store connection; credentials are decrypted only for the call. */
export interface AdapterConnection {
  id: string;
  tenantId: string;
  platform: Platform;
  shopId: string;
  apiBaseUrl: string;
  credentials: Record<string, string>;
}

export interface AdapterContext {
  connection: AdapterConnection;
  limiter: RateLimiter;
  now(): Date;
}

export interface IncomingPush {
  rawBody: Buffer;
  /** Header names lower-cased, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | undefined>;
}

/** One event pulled out of a verified push, stored before anything else happens to it. */
export interface InboundEventDraft {
  /** Unique per connection: the platform's event id, or a digest of what identifies the delivery. */
  dedupeKey: string;
  eventType: string;
  externalId: string | null;
  /** The event's own JSON text, lossless; handed back to `resolveEvent` by the worker. */
  payload: string;
}

export interface VerifiedPush {
  events: InboundEventDraft[];
  /** What the platform expects back when it is not an empty 200 (Douyin wants `{"code":0}`). */
  reply?: { status: number; body: unknown };
}

/** A pulled row the adapter could not map: stored as a failed event with its error, retryable by an admin. */
export interface UnmappedCase {
  event: InboundEventDraft;
  error: string;
}

export interface PullPage {
  cases: NormalizedCase[];
  /** Rows of this page that could not be mapped; they never hold back the rest of the page or the cursor. */
  unmapped?: UnmappedCase[];
  /** Opaque to the hub; stored only once the page's cases are stored. */
  nextCursor: string | null;
  hasMore: boolean;
}

/**
 * One message of an app-level channel (TOP TMC, one Douyin push URL per app, the PDD message socket): the
 * channel serves every shop of the developer app, so each message names the shop it belongs to.
 */
export interface AppMessage {
  /**
   * Every identifier of the shop the message carries (TOP `user_id` and `user_nick`, Douyin `shop_id`, PDD
   * `mall_id`); the hub gives the message to the connections whose `shopId` equals one of them, and to no other.
   */
  shopKeys: string[];
  event: InboundEventDraft;
}

/** Messages taken from an app's message channel (TOP TMC); `confirm` runs once every one of them is stored. */
export interface ConsumedAppMessages {
  messages: AppMessage[];
  /** How many messages the platform handed out (some may carry nothing for the hub); 0 when the queue was empty. */
  received: number;
  confirm(): Promise<void>;
}

export interface AppMessageStreamOptions {
  /** The app's credentials, as any of its connections carries them (client id and secret). */
  credentials: Record<string, string>;
  apiBaseUrl: string;
  /**
   * Stores the message as an inbound event of the connection of its shop, or keeps it as unroutable; the stream
   * acknowledges it upstream only once this resolves, and answers the platform's failure frame when it rejects.
   */
  deliver(message: AppMessage): Promise<void>;
  /** The channel's life, for logs: connecting, open, closed, refused, stopped. */
  onState?(state: string, detail: string | null): void;
  /**
   * The platform refused to open the channel, as an adapter error (`AUTH` when it refuses the app's
   * credentials); the stream keeps retrying with backoff whatever the hub does about it.
   */
  onRefused?(error: AdapterError): void;
  /** The platform accepted the channel (after a refusal, the credentials work again). */
  onAccepted?(): void;
}

export interface AppMessageStream {
  stop(): Promise<void>;
}

/** A verified push to the app-level URL: its messages, each naming its shop, and the platform's expected reply. */
export interface VerifiedAppPush {
  messages: AppMessage[];
  reply?: { status: number; body: unknown };
}

/** The developer app whose channel a message came through: its credentials, as one of its connections holds them. */
export interface AppCredentials {
  appKey: string;
  credentials: Record<string, string>;
}

export interface TicketForAction {
  externalId: string;
  externalOrderId: string | null;
  kind: TicketKind;
  stage: TicketStage;
  requestedAmount: MinorMoney | null;
  platformVersion: string | null;
  raw: unknown;
}

export interface ReturnAddress {
  name: string;
  phone: string;
  address: string;
  province?: string;
  city?: string;
  district?: string;
  postcode?: string;
  /** The platform's own id of a saved return address (PDD address id, TOP address id). */
  externalAddressId?: string;
}

export type AdapterAction =
  | { type: 'approve_refund'; amount: MinorMoney | null }
  | { type: 'refuse_refund'; reason: string; reasonCode: string | null }
  | { type: 'approve_return'; returnAddress: ReturnAddress | null }
  | { type: 'refuse_return'; reason: string; reasonCode: string | null }
  | { type: 'confirm_return_received' }
  | { type: 'send_message'; text: string };

export interface ActionOutcome {
  /** The platform's answer, kept on the action for agents to read. */
  response: unknown;
  /** The case as it stands after the action, when the platform returned it or it was re-fetched. */
  updatedCase: NormalizedCase | null;
  /** Why the case could not be read again after the platform took the decision (the hub logs it). */
  rereadError?: string;
}

export interface PerformOptions {
  /** Stable across every retry of one decision; sent upstream where the platform deduplicates on it. */
  idempotencyKey: string;
  /** The code the seller received after the platform asked for one (VERIFICATION_REQUIRED). */
  verificationCode?: string;
}

export interface CredentialField {
  name: string;
  required: boolean;
}

/**
 * Where a platform's messages come per developer app rather than per shop: which credential names the app (and
 * groups connections), which one is its secret (only connections holding the same secret share a channel).
 */
export interface AppChannelSupport {
  appKeyCredential: string;
  appSecretCredential: string;
  /**
   * For a consumed channel (`consumeAppMessages`): how long to wait after an empty answer, doubling from `minMs`
   * up to `maxMs` while the queue stays empty; a non-empty answer is followed by the next call at once.
   */
  idleBackoff?: { minMs: number; maxMs: number };
}

export interface AdapterCapabilities {
  platform: Platform;
  displayName: string;
  push: 'webhook' | 'message-channel' | 'none';
  /** Present where one channel (a consumed queue, a push URL, a socket) serves every shop of an app. */
  appChannel?: AppChannelSupport;
  pull: boolean;
  actions: readonly ActionType[];
  /** Which stages each action may be taken from; an action missing here is allowed from any stage. */
  actionStages: Partial<Record<ActionType, readonly TicketStage[]>>;
  /** Why an action the hub knows is not offered on this platform, for the 422 an agent sees. */
  unsupportedReasons?: Partial<Record<ActionType, string>>;
  rateLimit: { requestsPerSecond: number; note: string };
  credentials: readonly CredentialField[];
  docs: string;
}

/** Importing history from a date: how far back the platform serves it, and pull cursors that start there. */
export interface BackfillSupport {
  /** Days of history the platform lets a seller's app read; null when it sets no limit. */
  maxDays: number | null;
  /** The `pull` cursor that reads everything modified from `since` onwards, in the platform's own windows. */
  cursorFrom(since: Date): string;
  /** How far a `pull` cursor has read, for progress; null when it cannot tell. */
  positionOf(cursor: string): Date | null;
}

/** The one contract between the hub and a marketplace. */
export interface MarketplaceAdapter {
  readonly capabilities: AdapterCapabilities;

  /** The production endpoint for a shop, used when a connection sets no `apiBaseUrl`. */
  defaultApiBaseUrl(shopId: string): string | null;

  /**
   * Verifies the raw bytes in constant time before any parsing; throws WebhookSignatureError. Absent where the
   * platform sends no HTTP pushes to a connection (the hub answers its webhook route with 404).
   */
  verifyWebhook?(push: IncomingPush, connection: AdapterConnection, now: Date): VerifiedPush;

  /**
   * Turns a stored event into the case it describes: from its payload, or by re-fetching. Null: nothing to do.
   * Absent only where nothing is ever stored as an event (no push, and every pulled row maps).
   */
  resolveEvent?(ctx: AdapterContext, event: InboundEventDraft): Promise<NormalizedCase | null>;

  pull?(ctx: AdapterContext, cursor: string | null): Promise<PullPage>;

  /** Present where `pull` can start from any date the platform still serves. */
  readonly backfill?: BackfillSupport;

  /** `externalOrderId` is passed where the hub knows it: some platforms (PDD) need it to look a case up. */
  fetchCase?(
    ctx: AdapterContext,
    externalId: string,
    externalOrderId?: string | null,
  ): Promise<NormalizedCase>;

  /**
   * Takes the next messages of the app's channel (TOP TMC). `ctx.connection` is any connection of the app:
   * only its app credentials and gateway are used, never its shop's session.
   */
  consumeAppMessages?(ctx: AdapterContext): Promise<ConsumedAppMessages>;

  /** Verifies a push to the app-level URL with the app's secret over the raw bytes; throws WebhookSignatureError. */
  verifyAppPush?(push: IncomingPush, app: AppCredentials, now: Date): VerifiedAppPush;

  /**
   * A long-lived channel of the app (a socket) that delivers every shop's messages as they come (the PDD message
   * service); the hub holds one per app across its worker processes.
   */
  openAppMessageStream?(options: AppMessageStreamOptions): AppMessageStream;

  /**
   * Opens the app's message channel to this connection's shop where the platform asks for it per shop (PDD
   * `pdd.pmc.user.permit`); the hub calls it for each connection of an app it streams, until it succeeds.
   */
  enableAppMessages?(ctx: AdapterContext): Promise<void>;

  perform(
    ctx: AdapterContext,
    action: AdapterAction,
    ticket: TicketForAction,
    options?: PerformOptions,
  ): Promise<ActionOutcome>;
}
