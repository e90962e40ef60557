import { Module } from '@nestjs/common';
import { ProcurementClientsModule } from '../procurement-clients.module';
import { PROCUREMENT_CLIENT_ADMIN_HANDLERS } from './procurement-clients-admin';

/** The admins' handlers over procurement clients (the console's page; the CLI's clients:* commands use the repository). */
@Module({
  imports: [ProcurementClientsModule],
  providers: [...PROCUREMENT_CLIENT_ADMIN_HANDLERS],
})
export class ProcurementClientsAdminModule {}
