import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { assertCanWrite, canSeeRegion, type Principal, resourceNotFound } from '@sinergi/auth';
import { type ClientListing, type CreateClientInput, type ProcurementClient, ProcurementClientRepository } from '../procurement-client.repository';

/** A client an admin may manage: every one of its region scopes lies within the admin's regions. */
const manages = (admin: Principal, client: Pick<ProcurementClient, 'regionScopes'>) => client.regionScopes.every((scope) => canSeeRegion(admin, scope));

/** Procurement clients within the admin's regions, without their secrets (how many are active instead). */
export class ListProcurementClientsQuery extends Query<{ items: ClientListing[] }> {
  constructor(readonly admin: Principal) {
    super();
  }
}

/** A new procurement client within the admin's regions; the answer carries its secret, which is never shown again. */
export class CreateProcurementClientCommand extends Command<{ client: ProcurementClient; secret: string }> {
  constructor(
    readonly input: Omit<CreateClientInput, 'secret'>,
    readonly admin: Principal,
  ) {
    super();
  }
}

/**
 * Rotation of a client's signing secret, as `clients:rotate-secret` and `clients:retire-old-secrets` do it: `rotate`
 * adds a new secret (answered once) beside the current one; `retire` keeps only the newest.
 */
export class RotateProcurementClientSecretCommand extends Command<{ secret: string | null }> {
  constructor(
    readonly clientId: string,
    readonly step: 'rotate' | 'retire',
    readonly admin: Principal,
  ) {
    super();
  }
}

@QueryHandler(ListProcurementClientsQuery)
export class ListProcurementClientsHandler implements IQueryHandler<ListProcurementClientsQuery> {
  constructor(private readonly clients: ProcurementClientRepository) {}

  async execute({ admin }: ListProcurementClientsQuery): Promise<{ items: ClientListing[] }> {
    return { items: (await this.clients.list()).filter((c) => manages(admin, c)) };
  }
}

/** Scope first (403 region_out_of_scope, region codes being public), then the repository's own checks. */
@CommandHandler(CreateProcurementClientCommand)
export class CreateProcurementClientHandler implements ICommandHandler<CreateProcurementClientCommand> {
  constructor(private readonly clients: ProcurementClientRepository) {}

  execute({ input, admin }: CreateProcurementClientCommand): Promise<{ client: ProcurementClient; secret: string }> {
    for (const scope of input.regionScopes) assertCanWrite(admin, scope, 'this region scope');
    return this.clients.create(input);
  }
}

/** Unknown and outside the admin's regions answer alike (404), so an id of another regency's client reveals nothing. */
@CommandHandler(RotateProcurementClientSecretCommand)
export class RotateProcurementClientSecretHandler implements ICommandHandler<RotateProcurementClientSecretCommand> {
  constructor(private readonly clients: ProcurementClientRepository) {}

  async execute({ clientId, step, admin }: RotateProcurementClientSecretCommand): Promise<{ secret: string | null }> {
    const client = await this.clients.findById(clientId);
    if (!client || !manages(admin, client)) throw resourceNotFound('procurement client');
    if (step === 'rotate') return { secret: await this.clients.rotateSecret(clientId) };
    await this.clients.retireOldSecrets(clientId);
    return { secret: null };
  }
}

export const PROCUREMENT_CLIENT_ADMIN_HANDLERS = [ListProcurementClientsHandler, CreateProcurementClientHandler, RotateProcurementClientSecretHandler];
