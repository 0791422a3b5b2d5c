import { Controller, Get, Logger, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiKeysService } from '../tenancy/api-keys.service';
import { AllowQueryToken, CurrentPrincipal, type Principal } from '../tenancy/auth.decorators';
import { StreamService, type StreamEvent } from './stream.service';

/** A comment line keeps proxies and browsers from closing an idle stream. */
export const STREAM_HEARTBEAT_MS = 15_000;
/** What EventSource waits before reconnecting after the connection drops. */
const RECONNECT_MS = 3_000;

function tokenOf(authorization: string | undefined, accessToken: string | undefined): string | null {
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return match ? match[1] : (accessToken ?? null);
}

function sequenceOf(value: string | undefined): string | null {
  return value !== undefined && /^\d{1,19}$/.test(value) ? value : null;
}

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('v1/stream')
export class StreamController {
  private readonly logger = new Logger(StreamController.name);

  constructor(
    private readonly stream: StreamService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /**
   * Server-sent events of the tenant's outbox: `id` is the event's sequence number, `event` its type,
   * `data` the outbound webhook body. EventSource cannot send headers, so the key may come as `access_token`.
   */
  @Get()
  @AllowQueryToken()
  @ApiQuery({ name: 'access_token', required: false, description: 'the API key, for EventSource' })
  @ApiQuery({ name: 'lastEventId', required: false, description: 'resume after this event id' })
  async open(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res() response: Response,
    @Headers('authorization') authorization: string | undefined,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Query('access_token') accessToken: string | undefined,
    @Query('lastEventId') lastEventIdQuery: string | undefined,
  ): Promise<void> {
    // The guard checked the key (header or query, with the failed-attempt limit); the heartbeat re-checks it.
    const token = tokenOf(authorization, accessToken) ?? '';
    const lastEventId = sequenceOf(lastEventIdHeader) ?? sequenceOf(lastEventIdQuery);

    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.write(`retry: ${RECONNECT_MS}\n\n`);

    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe?.();
      response.end();
    };
    const heartbeat = setInterval(() => {
      response.write(': heartbeat\n\n');
      // A key revoked while its stream is open stops receiving at the next beat.
      this.apiKeys.authenticate(token).then(
        (still) => (still ? undefined : close()),
        () => undefined,
      );
    }, STREAM_HEARTBEAT_MS);
    let unsubscribe: (() => void) | undefined;
    request.on('close', close);
    try {
      unsubscribe = await this.stream.subscribe(
        {
          tenantId: principal.tenantId,
          deliver: (event: StreamEvent) => {
            if (!closed)
              response.write(
                `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.envelope)}\n\n`,
              );
          },
          resync: () => {
            if (!closed) response.write(`event: resync\ndata: {}\n\n`);
          },
          close,
        },
        lastEventId,
      );
    } catch (error) {
      // The headers are out, so the error can only end the stream; EventSource reconnects and resumes.
      this.logger.warn(`the event stream could not start: ${String(error)}`);
      close();
      return;
    }
    if (closed) unsubscribe();
  }
}
