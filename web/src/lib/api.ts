/** The hub's public API, as any client would call it: a Bearer key, JSON, the hub's error shape. */

export interface ApiErrorBody {
  statusCode: number;
  error?: string;
  code?: string;
  message: string;
  details?: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }

  /** `[{ field, problems }]` of a 400, flattened to `field: problem`. */
  fieldProblems(): string[] {
    const details = this.body.details;
    if (!Array.isArray(details)) return [];
    return details.flatMap((detail: { field?: string; problems?: string[] }) =>
      (detail.problems ?? []).map((problem) => `${detail.field ?? ''}: ${problem}`),
    );
  }
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class Api {
  constructor(
    readonly key: string,
    private readonly onUnauthorized: () => void = () => undefined,
  ) {}

  async request<T>(path: string, options: RequestOptions = {}): Promise<{ body: T; etag: string | null }> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.key}`, ...options.headers };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      // Agents always want what is there now: no cached answer, not even a revalidated one.
      cache: 'no-store',
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized();
      const body =
        parsed && typeof parsed === 'object'
          ? (parsed as ApiErrorBody)
          : { statusCode: response.status, message: response.statusText };
      throw new ApiError(response.status, body);
    }
    return { body: parsed as T, etag: response.headers.get('ETag') };
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>(path, { signal }).then((result) => result.body);
  }

  send<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    return this.request<T>(path, { method, body, headers }).then((result) => result.body);
  }
}

export interface Money {
  amount: string;
  currency: string;
}

export interface Ticket {
  id: string;
  number: number;
  connectionId: string;
  platform: string;
  externalId: string;
  externalOrderId: string | null;
  kind: string;
  stage: string;
  status: string;
  category: string;
  severity: string;
  department: string;
  assigneeId: string | null;
  tags: string[];
  reason: string | null;
  reasonCode: string | null;
  requestedAmount: Money | null;
  refundedAmount: Money | null;
  buyer: { externalId: string | null; displayName: string | null; vip: boolean } | null;
  items: { sku: string | null; title: string; quantity: number; unitPrice: Money | null }[];
  evidence: string[];
  sla: {
    policy: string | null;
    firstResponseDueAt: string | null;
    resolutionDueAt: string | null;
    firstRespondedAt: string | null;
    resolvedAt: string | null;
    state: 'ok' | 'warning' | 'breached';
  };
  platformDeadlineAt: string | null;
  deliveredAt: string | null;
  externalCreatedAt: string;
  externalUpdatedAt: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface TimelineEntry {
  id: string;
  type: string;
  actor: { type: string; id: string | null };
  data: Record<string, unknown>;
  at: string;
}

export interface Action {
  id: string;
  ticketId: string;
  type: string;
  params: Record<string, unknown>;
  status: string;
  actor: { type: string; id: string | null };
  attempts: number;
  upstream: { response: unknown; error: string | null; errorCode: string | null };
  /** Set while the platform waits for a code it sent the seller (an SMS for a large refund). */
  verification?: { message: string } | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface TicketDetail extends Ticket {
  timeline: TimelineEntry[];
  actions: Action[];
}

export interface PlatformInfo {
  platform: string;
  displayName: string;
  push: string;
  pull: boolean;
  actions: string[];
  actionStages: Record<string, string[]>;
  rateLimit: { requestsPerSecond: number; note: string };
  credentials: { name: string; required: boolean }[];
  docs: string;
}

export interface Connection {
  id: string;
  platform: string;
  name: string;
  shopId: string;
  apiBaseUrl: string | null;
  status: string;
  pollIntervalSeconds: number;
  /** Null where the platform pushes nothing to a URL per connection. */
  webhookUrl: string | null;
  /** The one push URL of the developer app, where the platform has one (Douyin). */
  appWebhookUrl: string | null;
  sync: {
    cursor: string | null;
    lastStartedAt: string | null;
    lastSuccessAt: string | null;
    lastError: string | null;
    lastErrorAt: string | null;
    nextRunAt: string | null;
    rateBudget: { requestsPerSecond: number; note: string };
  };
  createdAt: string;
}

export interface Me {
  apiKeyId: string;
  role: 'admin' | 'agent' | 'viewer';
  name: string | null;
  tenant: { id: string; name: string };
}
