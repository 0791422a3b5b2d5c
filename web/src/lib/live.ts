/** Live changes: the hub's event stream, or polling when the stream cannot be had. */

export type LiveMode = 'stream' | 'polling' | 'connecting';

export interface LiveEvent {
  /** The domain event type, or `resync` / `poll` when the client should reload what it shows. */
  type: string;
  ticketId: string | null;
  data: Record<string, unknown>;
}

/** Event types the workbench reacts to; the stream may carry more, which are ignored. */
export const LIVE_EVENT_TYPES = [
  'ticket.created',
  'ticket.updated',
  'ticket.stage_changed',
  'ticket.assigned',
  'ticket.sla_warning',
  'ticket.sla_breached',
  'ticket.incident_detected',
  'action.requested',
  'action.succeeded',
  'action.failed',
  'action.needs_verification',
  'resync',
] as const;

export const POLL_INTERVAL_MS = 10_000;
/** After the stream failed, how long to poll before trying it again. */
export const STREAM_RETRY_MS = 60_000;

function ticketIdOf(data: Record<string, unknown>): string | null {
  if (typeof data.ticketId === 'string') return data.ticketId;
  const ticket = data.ticket as { id?: unknown } | undefined;
  return ticket && typeof ticket.id === 'string' ? ticket.id : null;
}

export function connectLive(
  key: string,
  onEvent: (event: LiveEvent) => void,
  onMode: (mode: LiveMode) => void,
): () => void {
  let stopped = false;
  let source: EventSource | null = null;
  let pollTimer: ReturnType<typeof setInterval> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let lastEventId: string | null = null;

  const poll = () => {
    onMode('polling');
    if (pollTimer) return;
    pollTimer = setInterval(() => onEvent({ type: 'poll', ticketId: null, data: {} }), POLL_INTERVAL_MS);
    retryTimer = setTimeout(() => {
      if (pollTimer) clearInterval(pollTimer);
      pollTimer = null;
      open();
    }, STREAM_RETRY_MS);
  };

  const open = () => {
    if (stopped || typeof EventSource === 'undefined') {
      if (!stopped) poll();
      return;
    }
    onMode('connecting');
    const params = new URLSearchParams({ access_token: key });
    if (lastEventId) params.set('lastEventId', lastEventId);
    const stream = new EventSource(`/v1/stream?${params.toString()}`);
    source = stream;
    stream.onopen = () => onMode('stream');
    stream.onerror = () => {
      // CONNECTING: the browser reconnects by itself (sending Last-Event-ID). CLOSED: the hub refused.
      if (stream.readyState === EventSource.CLOSED) {
        stream.close();
        source = null;
        poll();
      } else {
        onMode('connecting');
      }
    };
    for (const type of LIVE_EVENT_TYPES) {
      stream.addEventListener(type, (message: MessageEvent<string>) => {
        if (message.lastEventId) lastEventId = message.lastEventId;
        let envelope: { data?: Record<string, unknown> } = {};
        try {
          envelope = JSON.parse(message.data) as typeof envelope;
        } catch {
          envelope = {};
        }
        const data = envelope.data ?? {};
        onEvent({ type, ticketId: ticketIdOf(data), data });
      });
    }
  };

  open();
  return () => {
    stopped = true;
    source?.close();
    if (pollTimer) clearInterval(pollTimer);
    if (retryTimer) clearTimeout(retryTimer);
  };
}
