import { Controller, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { IngressRateGuard } from '../rate-limits/ingress-rate.guard';
import { Public } from '../tenancy/auth.decorators';
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
  constructor(private readonly ingestion: IngestionService) {}

  @Post(':platform/:connectionId')
  @HttpCode(200)
  async receive(
    @Param('platform') platform: string,
    @Param('connectionId') connectionId: string,
    @Req() request: RequestWithRawBody,
    @Res() response: Response,
  ): Promise<void> {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : (request.rawBody ?? Buffer.alloc(0));
    const receipt = await this.ingestion.receivePush(platform, connectionId, {
      rawBody,
      headers: request.headers,
      query: request.query as Record<string, string | undefined>,
    });
    response.status(receipt.status).json(receipt.body);
  }
}
