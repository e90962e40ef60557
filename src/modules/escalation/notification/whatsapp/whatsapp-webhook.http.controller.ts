import { Body, Controller, Get, Header, Headers, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { WhatsappStatusWebhookHandler } from './whatsapp-status-webhook.handler';

/**
 * The callback URL registered with Meta for the WhatsApp Business Account (field `messages`): the subscription
 * handshake and status notifications. Authenticated by the verify token (GET) and the app secret's signature (POST),
 * not by a bearer token. Not part of the officials' API, so not in the OpenAPI document.
 */
@ApiExcludeController()
@Controller('v1/webhooks/whatsapp')
export class WhatsappWebhookHttpController {
  constructor(private readonly handler: WhatsappStatusWebhookHandler) {}

  @Get()
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'no-store')
  verify(@Query('hub.mode') mode?: string, @Query('hub.verify_token') token?: string, @Query('hub.challenge') challenge?: string): string {
    return this.handler.verify(mode, token, challenge);
  }

  @Post()
  @HttpCode(200)
  receive(@Req() req: FastifyRequest & { rawBody?: Buffer }, @Headers('x-hub-signature-256') signature: string | undefined, @Body() body: unknown) {
    return this.handler.receive(req.rawBody, signature, body);
  }
}
