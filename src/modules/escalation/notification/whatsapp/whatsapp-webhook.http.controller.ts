import { Body, Controller, Get, Header, Headers, HttpCode, Post, Query, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RecordWhatsappStatusesCommand, VerifyWhatsappSubscriptionQuery } from './whatsapp-webhook.messages';

/**
 * The callback URL registered with Meta for the WhatsApp Business Account (field `messages`): the subscription
 * handshake and status notifications. Authenticated by the verify token (GET) and the app secret's signature (POST),
 * not by a bearer token. Not part of the officials' API, so not in the OpenAPI document.
 */
@ApiExcludeController()
@Controller('v1/webhooks/whatsapp')
export class WhatsappWebhookHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'no-store')
  verify(@Query('hub.mode') mode?: string, @Query('hub.verify_token') token?: string, @Query('hub.challenge') challenge?: string): Promise<string> {
    return this.queries.execute(new VerifyWhatsappSubscriptionQuery(mode, token, challenge));
  }

  @Post()
  @HttpCode(200)
  receive(@Req() req: FastifyRequest & { rawBody?: Buffer }, @Headers('x-hub-signature-256') signature: string | undefined, @Body() body: unknown) {
    return this.commands.execute(new RecordWhatsappStatusesCommand(req.rawBody, signature, body));
  }
}
