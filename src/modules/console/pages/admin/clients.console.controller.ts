import { Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { Roles } from '@sinergi/auth';
import { DomainError } from '@sinergi/common';
import type { FastifyReply } from 'fastify';
import {
  CreateProcurementClientCommand,
  ListProcurementClientsQuery,
  RotateProcurementClientSecretCommand,
} from '../../../procurement-clients/admin/procurement-clients-admin';
import { ConsoleAuthGuard, type ConsoleRequest, consoleViewer } from '../../auth/console-auth.guard';
import { ConsoleExceptionFilter } from '../../console-exception.filter';
import { formErrors, formText, textOf } from '../../view/form';
import { href } from '../../view/html';
import type { PageViewer } from '../../view/layout';
import { redirect, sendPage } from '../../view/respond';
import { adminRegion } from './admin-region';
import { CLIENT_FIELD_ERROR_ID, type ClientFormValues, clientsPage, type ClientsPageData } from './clients.page';

/** Which field a refusal of the client repository or the scope check is about, by its code. */
const FIELD_OF_CODE: Record<string, string> = {
  invalid_client_id: 'id',
  client_exists: 'id',
  invalid_region_scope: 'regionScopes',
  region_out_of_scope: 'regionScopes',
  webhook_url_not_allowed: 'webhookUrl',
};

/**
 * Procurement clients (the SPSE and SIRUP instances that post events): the admin's clients without their secrets,
 * a new one (its secret shown once, in the answer itself), and a secret's rotation, through the handlers the CLI's
 * clients:* commands mirror. A client lies within the admin's regions when all its region scopes do.
 */
@ApiExcludeController()
@Controller('console/admin/clients')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
@Roles('admin')
export class ClientsConsoleController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get()
  list(@Query('regionCode') regionCode: unknown, @Query('selesai') done: unknown, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    return this.render(viewer, reply, { regionCode: adminRegion(viewer.principal, textOf(regionCode)), done: textOf(done) });
  }

  @Post()
  async create(@Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const regionCode = adminRegion(viewer.principal, '');
    const values: ClientFormValues = {
      id: formText(req.body, 'id'),
      name: formText(req.body, 'name'),
      regionScopes: formText(req.body, 'regionScopes'),
      sourceSystem: formText(req.body, 'sourceSystem'),
      rateLimitPerMinute: formText(req.body, 'rateLimitPerMinute'),
      webhookUrl: formText(req.body, 'webhookUrl'),
    };
    // What the CLI's options require of their text (clients:create): a name, a whole positive rate; the rest is the repository's.
    const errors: Record<string, string> = {};
    if (values.name === '' || values.name.length > 200) errors.name = CLIENT_FIELD_ERROR_ID.name;
    if (values.sourceSystem.length > 100) errors.sourceSystem = CLIENT_FIELD_ERROR_ID.sourceSystem;
    if (values.rateLimitPerMinute !== '' && !/^[1-9]\d{0,6}$/.test(values.rateLimitPerMinute)) errors.rateLimitPerMinute = CLIENT_FIELD_ERROR_ID.rateLimitPerMinute;
    if (Object.keys(errors).length) return this.render(viewer, reply, { regionCode, form: { values, errors } }, 400);
    const scopes = values.regionScopes.split(',').map((s) => s.trim()).filter(Boolean);
    try {
      const { client, secret } = await this.commands.execute(
        new CreateProcurementClientCommand(
          {
            id: values.id,
            name: values.name,
            regionScopes: scopes,
            sourceSystem: values.sourceSystem || undefined,
            rateLimitPerMinute: values.rateLimitPerMinute ? Number(values.rateLimitPerMinute) : undefined,
            webhookUrl: values.webhookUrl || undefined,
          },
          viewer.principal,
        ),
      );
      // The secret goes out in this answer only (a redirect would have to carry it in its address).
      return this.render(viewer, reply, { regionCode, secret: { clientId: client.id, secret, rotated: false } }, 201);
    } catch (error) {
      const field = error instanceof DomainError ? FIELD_OF_CODE[error.code] : undefined;
      if (!field || !(error instanceof DomainError)) throw error;
      const refused = formErrors([{ path: field, code: error.code, message: error.message }], (path) => CLIENT_FIELD_ERROR_ID[path]);
      const status = error.kind === 'forbidden' ? 403 : error.kind === 'conflict' ? 409 : 400;
      return this.render(viewer, reply, { regionCode, form: { values, errors: refused } }, status);
    }
  }

  @Post(':id/rotate')
  async rotate(@Param('id') id: string, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const { secret } = await this.commands.execute(new RotateProcurementClientSecretCommand(id, 'rotate', viewer.principal));
    return this.render(viewer, reply, { regionCode: adminRegion(viewer.principal, ''), secret: { clientId: id, secret: secret!, rotated: true } });
  }

  @Post(':id/retire')
  async retire(@Param('id') id: string, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    await this.commands.execute(new RotateProcurementClientSecretCommand(id, 'retire', viewer.principal));
    return redirect(reply, href('/console/admin/clients', { selesai: 'retired' }));
  }

  private async render(viewer: PageViewer, reply: FastifyReply, d: Omit<ClientsPageData, 'clients'>, status = 200) {
    const { items } = await this.queries.execute(new ListProcurementClientsQuery(viewer.principal));
    return sendPage(reply, clientsPage(viewer, { ...d, clients: items }), status);
  }
}
