import { Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { Roles } from '@sinergi/auth';
import { DomainError, type FieldError } from '@sinergi/common';
import { validatedBody } from '@sinergi/common/validation';
import type { FastifyReply } from 'fastify';
import { CreateOfficialRequestDto, UpdateOfficialRequestDto } from '../../../escalation/directory/official.dto';
import { CreateOfficialCommand } from '../../../escalation/directory/officials/create-official/create-official.command';
import { DeactivateOfficialCommand } from '../../../escalation/directory/officials/deactivate-official/deactivate-official.command';
import { GetOfficialQuery } from '../../../escalation/directory/officials/get-official/get-official.query';
import { ListOfficialsQuery } from '../../../escalation/directory/officials/list-officials/list-officials.query';
import { UpdateOfficialCommand } from '../../../escalation/directory/officials/update-official/update-official.command';
import { ConsoleAuthGuard, type ConsoleRequest, consoleViewer } from '../../auth/console-auth.guard';
import { ConsoleExceptionFilter } from '../../console-exception.filter';
import { formChecked, formErrors, formText, textOf } from '../../view/form';
import { href } from '../../view/html';
import type { PageViewer } from '../../view/layout';
import { redirect, sendPage } from '../../view/respond';
import { adminRegion } from './admin-region';
import { OFFICIAL_FIELD_ERROR_ID, officialEditPage, SUBJECT_TAKEN_ID, type OfficialEditValues, type OfficialFormValues, officialsPage, type OfficialsPageData } from './officials.page';

/** The API's own body check (CreateOfficialRequestDto, UpdateOfficialRequestDto), run on the form's fields. */
const checkBody = <T extends object>(body: Record<string, unknown>, metatype: new () => T): Promise<T> => validatedBody().transform(body, { type: 'body', metatype });

/** A refusal the form can show: the body check, a refused address, opting in without a number, a scope outside the admin's. */
function formRefusal(error: unknown): { status: number; errors: Record<string, string>; fallback?: string } | null {
  if (!(error instanceof DomainError)) return null;
  const fields: FieldError[] =
    error.code === 'region_out_of_scope'
      ? [{ path: 'regionScope', code: error.code, message: error.message }]
      : error.code === 'subject_taken'
        ? [{ path: 'subject', code: error.code, message: error.message }]
        : error.errors;
  if (error.kind !== 'invalid' && error.code !== 'region_out_of_scope' && error.code !== 'subject_taken') return null;
  const errors = formErrors(fields, (path, code) => (code === 'subject_taken' ? SUBJECT_TAKEN_ID : OFFICIAL_FIELD_ERROR_ID[path]));
  const status = error.kind === 'forbidden' ? 403 : error.kind === 'conflict' ? 409 : 400;
  return { status, errors, fallback: Object.keys(errors).length ? undefined : 'Periksa kembali isian formulir.' };
}

/**
 * The officials directory's pages: the list of the region's officials (which channels each has, never the
 * addresses), adding one, changing one's name and channels, deactivating and reactivating, all through the
 * directory API's own body checks, commands and queries (scope included: out of the admin's regions is 404).
 */
@ApiExcludeController()
@Controller('console/admin/officials')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
@Roles('admin')
export class OfficialsConsoleController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get()
  list(@Query('regionCode') regionCode: unknown, @Query('selesai') done: unknown, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    return this.renderList(viewer, reply, adminRegion(viewer.principal, textOf(regionCode)), { done: textOf(done) });
  }

  @Post()
  async create(@Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const values: OfficialFormValues = {
      name: formText(req.body, 'name'),
      position: formText(req.body, 'position'),
      regionScope: formText(req.body, 'regionScope'),
      agencyCode: formText(req.body, 'agencyCode'),
      email: formText(req.body, 'email'),
      whatsapp: formText(req.body, 'whatsapp'),
      webhookUrl: formText(req.body, 'webhookUrl'),
      whatsappOptIn: formChecked(req.body, 'whatsappOptIn'),
    };
    // The page's region: the new official's scope when the admin may see it, else the admin's first region.
    const regionCode = (() => {
      try {
        return adminRegion(viewer.principal, values.regionScope);
      } catch {
        return adminRegion(viewer.principal, '');
      }
    })();
    const optional = (value: string) => (value === '' ? undefined : value);
    try {
      const body = await checkBody(
        { name: values.name, position: values.position, regionScope: values.regionScope, agencyCode: optional(values.agencyCode), email: optional(values.email), whatsapp: optional(values.whatsapp), whatsappOptIn: values.whatsappOptIn, webhookUrl: optional(values.webhookUrl) },
        CreateOfficialRequestDto,
      );
      const created = await this.commands.execute(
        new CreateOfficialCommand(
          { name: body.name.trim(), position: body.position, regionScope: body.regionScope, agencyCode: body.agencyCode ?? null, email: body.email ?? null, whatsapp: body.whatsapp ?? null, whatsappOptIn: body.whatsappOptIn ?? false, webhookUrl: body.webhookUrl ?? null },
          viewer.principal,
        ),
      );
      // A webhook secret is shown in this answer only (never put in a redirect's address); otherwise Post/Redirect/Get.
      if (created.webhookSecret) return this.renderList(viewer, reply, regionCode, { created: { official: created, webhookSecret: created.webhookSecret } }, 201);
      return redirect(reply, href('/console/admin/officials', { regionCode, selesai: 'created' }));
    } catch (error) {
      const refused = formRefusal(error);
      if (!refused) throw error;
      return this.renderList(viewer, reply, regionCode, { form: { values, errors: refused.errors, fallback: refused.fallback } }, refused.status);
    }
  }

  @Get(':id')
  async edit(@Param('id') id: string, @Query('regionCode') regionCode: unknown, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const official = await this.queries.execute(new GetOfficialQuery(id, viewer.principal));
    return sendPage(reply, officialEditPage(viewer, { regionCode: this.pageRegion(viewer, regionCode, official.regionScope), official }));
  }

  @Post(':id')
  async update(@Param('id') id: string, @Query('regionCode') regionRaw: unknown, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    // Scope first, as the command does: unknown or another region's official is 404 before the form is read.
    const official = await this.queries.execute(new GetOfficialQuery(id, viewer.principal));
    const regionCode = this.pageRegion(viewer, regionRaw, official.regionScope);
    const values: OfficialEditValues = {
      name: formText(req.body, 'name'),
      email: formText(req.body, 'email'),
      whatsapp: formText(req.body, 'whatsapp'),
      webhookUrl: formText(req.body, 'webhookUrl'),
      subject: formText(req.body, 'subject'),
      whatsappOptIn: formChecked(req.body, 'whatsappOptIn'),
      removeEmail: formChecked(req.body, 'removeEmail'),
      removeWhatsapp: formChecked(req.body, 'removeWhatsapp'),
      removeWebhook: formChecked(req.body, 'removeWebhook'),
      removeSubject: formChecked(req.body, 'removeSubject'),
    };
    // Blank keeps what is stored (the form never shows an address); "hapus" removes it, as null does in the API.
    const change = (value: string, remove: boolean) => (remove ? null : value === '' ? undefined : value);
    const patch = {
      name: values.name,
      email: change(values.email, values.removeEmail),
      whatsapp: change(values.whatsapp, values.removeWhatsapp),
      webhookUrl: change(values.webhookUrl, values.removeWebhook),
      subject: change(values.subject, values.removeSubject),
      whatsappOptIn: values.whatsappOptIn,
    };
    try {
      const body = await checkBody(Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)), UpdateOfficialRequestDto);
      const updated = await this.commands.execute(
        new UpdateOfficialCommand(
          id,
          { name: body.name?.trim(), email: body.email, whatsapp: body.whatsapp, whatsappOptIn: body.whatsappOptIn, webhookUrl: body.webhookUrl, subject: body.subject },
          viewer.principal,
        ),
      );
      if (updated.webhookSecret) return sendPage(reply, officialEditPage(viewer, { regionCode, official: updated, webhookSecret: updated.webhookSecret }));
      return redirect(reply, href('/console/admin/officials', { regionCode, selesai: 'updated' }));
    } catch (error) {
      const refused = formRefusal(error);
      if (!refused) throw error;
      return sendPage(reply, officialEditPage(viewer, { regionCode, official, form: { values, errors: refused.errors, fallback: refused.fallback } }), refused.status);
    }
  }

  @Post(':id/deactivate')
  async deactivate(@Param('id') id: string, @Query('regionCode') regionRaw: unknown, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const official = await this.commands.execute(new DeactivateOfficialCommand(id, viewer.principal));
    return redirect(reply, href('/console/admin/officials', { regionCode: this.pageRegion(viewer, regionRaw, official.regionScope), selesai: 'deactivated' }));
  }

  /** Back in the directory: the API's PATCH with `active: true`. */
  @Post(':id/activate')
  async activate(@Param('id') id: string, @Query('regionCode') regionRaw: unknown, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const official = await this.commands.execute(new UpdateOfficialCommand(id, { active: true }, viewer.principal));
    return redirect(reply, href('/console/admin/officials', { regionCode: this.pageRegion(viewer, regionRaw, official.regionScope), selesai: 'activated' }));
  }

  /** The region the page returns to: the one asked for when the admin may see it, else the official's scope. */
  private pageRegion(viewer: PageViewer, raw: unknown, fallback: string): string {
    try {
      return adminRegion(viewer.principal, textOf(raw) || fallback);
    } catch {
      return adminRegion(viewer.principal, fallback);
    }
  }

  private async renderList(viewer: PageViewer, reply: FastifyReply, regionCode: string, extra: Partial<OfficialsPageData>, status = 200) {
    const officials = await this.queries.execute(new ListOfficialsQuery(viewer.principal, regionCode));
    return sendPage(reply, officialsPage(viewer, { regionCode, officials: officials.items, ...extra }), status);
  }
}
