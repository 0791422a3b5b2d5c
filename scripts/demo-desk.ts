import type { ActionType, TicketStage } from '../adapters/contract';

interface PlatformInfo {
  platform: string;
  actions: ActionType[];
  actionStages: Partial<Record<ActionType, TicketStage[]>>;
}

interface TicketSummary {
  id: string;
  platform: string;
  stage: TicketStage;
  status: string;
}

/** Decisions an agent at the demo desk takes, first match wins: approvals mostly, now and then a message. */
const DECISIONS: ActionType[] = [
  'approve_refund',
  'approve_return',
  'confirm_return_received',
  'send_message',
];

/**
 * A colleague working the inbox through the public API with an agent key, so decisions flow back to the
 * sandboxes and the indicators have first responses, resolutions and satisfaction to show.
 */
export class DemoDesk {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private platforms = new Map<string, PlatformInfo>();
  /** Tickets already rated in this run; the ticket view does not show the score. */
  private readonly rated = new Set<string>();

  constructor(
    private readonly apiUrl: string,
    private readonly agentKey: string,
    private readonly report: (message: string) => void,
    private readonly everyMs = 8_000,
  ) {}

  async start(): Promise<void> {
    const listed = (await this.call('GET', '/v1/platforms')) as { data: PlatformInfo[] };
    this.platforms = new Map(listed.data.map((platform) => [platform.platform, platform]));
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      this.work()
        .catch((error: unknown) => this.report(`desk: ${(error as Error).message}`))
        .finally(() => {
          this.busy = false;
        });
    }, this.everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async work(): Promise<void> {
    const inbox = (await this.call('GET', '/v1/tickets?status=new&sort=-createdAt&limit=20')) as {
      data: TicketSummary[];
    };
    for (const ticket of inbox.data) {
      const platform = this.platforms.get(ticket.platform);
      const type = DECISIONS.find(
        (candidate) =>
          platform?.actions.includes(candidate) &&
          (platform.actionStages[candidate]?.includes(ticket.stage) ?? candidate === 'send_message'),
      );
      if (!type) continue;
      const body =
        type === 'send_message' ? { type, text: '您好，已收到您的申请，我们正在处理。' } : { type };
      await this.call('POST', `/v1/tickets/${ticket.id}/actions`, body, [409, 422]);
      break;
    }
    const solved = (await this.call('GET', '/v1/tickets?status=solved&sort=-updatedAt&limit=10')) as {
      data: TicketSummary[];
    };
    const unrated = solved.data.find((ticket) => !this.rated.has(ticket.id));
    if (unrated) {
      // Mostly happy buyers, a few who are not, so satisfaction sits near its threshold.
      const score = [5, 5, 5, 4, 4, 3, 2][Math.floor(Math.random() * 7)];
      this.rated.add(unrated.id);
      await this.call('POST', `/v1/tickets/${unrated.id}/csat`, { score }, [409, 422]);
    }
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    tolerated: number[] = [],
  ): Promise<unknown> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.agentKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok && !tolerated.includes(response.status)) {
      throw new Error(`${method} ${path} → ${response.status} ${text.slice(0, 200)}`);
    }
    return text ? (JSON.parse(text) as unknown) : null;
  }
}
