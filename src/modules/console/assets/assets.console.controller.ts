import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { resourceNotFound } from '@sinergi/auth';
import type { FastifyReply } from 'fastify';
import { serverTiming } from '../view/respond';
import { CONSOLE_ASSETS } from './console-assets';

/** The console's stylesheet and script, public (they hold no data) and cached for a year under their hashed names. */
@ApiExcludeController()
@Controller('console/assets')
export class AssetsConsoleController {
  @Get(':name')
  get(@Param('name') name: string, @Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    const asset = CONSOLE_ASSETS.get(name);
    if (!asset) throw resourceNotFound('asset');
    reply.header('cache-control', 'public, max-age=31536000, immutable').header('etag', asset.etag).header('x-content-type-options', 'nosniff');
    if (etag === asset.etag) return reply.status(304).send();
    return reply.status(200).header('content-type', asset.contentType).header('server-timing', serverTiming(reply)).send(asset.body);
  }
}
