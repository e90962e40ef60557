import { Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Roles } from '@sinergi/auth';
import type { FastifyReply } from 'fastify';
import { ConsoleAuthGuard, type ConsoleRequest, consoleViewer } from '../auth/console-auth.guard';
import { ConsoleSessions, SESSION_COOKIE } from '../auth/console-sessions';
import { serializeCookie } from '../auth/cookies';
import { ConsoleExceptionFilter } from '../console-exception.filter';
import { redirect } from '../view/respond';
import { QUEUE_DASHBOARD_PATH } from './queue-dashboard';

/**
 * "Antrean" in an admin's console menu: the session cookie is scoped to /console, so this hands the same session to
 * /admin/queues as a second cookie (HttpOnly, SameSite=Strict, expiring with the session; signing out ends both, as
 * the session itself is deleted), then opens the dashboard. A bearer request is just sent on.
 */
@ApiExcludeController()
@Controller('console/antrean')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
@Roles('admin')
export class QueueDashboardConsoleController {
  constructor(private readonly sessions: ConsoleSessions) {}

  @Get()
  open(@Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const { access } = consoleViewer(req);
    if (access.via !== 'session') return redirect(reply, `${QUEUE_DASHBOARD_PATH}/`);
    const left = Math.floor((Date.parse(access.session.expiresAt) - Date.now()) / 1000);
    const cookie = serializeCookie(SESSION_COOKIE, access.session.id, {
      path: QUEUE_DASHBOARD_PATH,
      maxAge: left,
      secure: this.sessions.secureCookies,
      sameSite: 'Strict',
    });
    return redirect(reply, `${QUEUE_DASHBOARD_PATH}/`, [cookie]);
  }
}
