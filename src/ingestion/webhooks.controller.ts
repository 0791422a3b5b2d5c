import { Controller, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../tenancy/auth.decorators';
import { IngestionService } from './ingestion.service';

interface RequestWithRawBody extends Request {
  rawBody?: Buffer;
}

/** Pushes from marketplaces. Authenticated by each platform's signature over the raw bytes, not an API key. */
@ApiExcludeController()
@Public()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly ingestion: IngestionService) {}

  @Post(':platform/:connectionId')
  @HttpCode(200)
  async receive(
    @Param('platform') platform: string,
    @Param('connectionId', ParseUUIDPipe) connectionId: string,
    @Req() request: RequestWithRawBody,
    @Res() response: Response,
  ): Promise<void> {
    const rawBody = request.rawBody ?? (Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
    const receipt = await this.ingestion.receivePush(platform, connectionId, {
      rawBody,
      headers: request.headers,
      query: request.query as Record<string, string | undefined>,
    });
    response.status(receipt.status).json(receipt.body);
  }
}
