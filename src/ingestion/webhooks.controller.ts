import { Controller, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { IngressRateGuard } from '../rate-limits/ingress-rate.guard';
import { Public } from '../tenancy/auth.decorators';
import type { IncomingPush } from '../../adapters/contract';
import { AppChannelsService } from './app-channels/app-channels.service';
import { IngestionService } from './ingestion.service';

interface RequestWithRawBody extends Request {
  rawBody?: Buffer;
}

/**
 * Pushes from marketplaces. Authenticated by each platform's signature over the raw bytes, not an API key;
 * limited per connection (HUB_RATE_LIMIT_INGRESS_PER_SECOND).
 */
@ApiExcludeController()
@Public()
@UseGuards(IngressRateGuard)
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly channels: AppChannelsService,
  ) {}

  /**
   * The one push URL of a developer app (Douyin pushes every shop of an app to one URL): verified with the app's
   * secret, each message routed by the shop it names; messages of shops not connected here are kept aside.
   */
  @Post(':platform/apps/:appKey')
  @HttpCode(200)
  async receiveForApp(
    @Param('platform') platform: string,
    @Param('appKey') appKey: string,
    @Req() request: RequestWithRawBody,
    @Res() response: Response,
  ): Promise<void> {
    const receipt = await this.channels.receiveAppPush(platform, appKey, this.push(request));
    response.status(receipt.status).json(receipt.body);
  }

  @Post(':platform/:connectionId')
  @HttpCode(200)
  async receive(
    @Param('platform') platform: string,
    @Param('connectionId') connectionId: string,
    @Req() request: RequestWithRawBody,
    @Res() response: Response,
  ): Promise<void> {
    const push = this.push(request);
    // Where the platform pushes per app, even a connection's own URL receives every shop of the app.
    const receipt =
      (await this.channels.receiveConnectionPush(platform, connectionId, push)) ??
      (await this.ingestion.receivePush(platform, connectionId, push));
    response.status(receipt.status).json(receipt.body);
  }

  private push(request: RequestWithRawBody): IncomingPush {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : (request.rawBody ?? Buffer.alloc(0));
    return {
      rawBody,
      headers: request.headers,
      query: request.query as Record<string, string | undefined>,
    };
  }
}
