import { request, type ClientRequest, type IncomingMessage } from 'node:http';

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/** A server-sent-events reader over plain HTTP, as a browser's EventSource would read the stream. */
export class SseClient {
  readonly events: SseEvent[] = [];
  comments = 0;
  private buffer = '';
  private raw = '';
  private readonly ended: Promise<void>;
  private constructor(
    private readonly request: ClientRequest,
    readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.raw += chunk;
      this.read(chunk);
    });
    this.ended = new Promise((resolve) => response.on('end', () => resolve()));
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) =>
        resolve(new SseClient(req, response)),
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** The body of a refused stream (a JSON error). */
  async text(): Promise<string> {
    await this.ended;
    return this.raw;
  }

  close(): void {
    this.request.destroy();
  }

  private read(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let id: string | null = null;
      let event = 'message';
      const data: string[] = [];
      let fields = 0;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          this.comments++;
          continue;
        }
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (name === 'id') id = value;
        else if (name === 'event') event = value;
        else if (name === 'data') data.push(value);
        else continue;
        fields++;
      }
      if (fields > 0 && data.length > 0) this.events.push({ id, event, data: data.join('\n') });
    }
  }
}
