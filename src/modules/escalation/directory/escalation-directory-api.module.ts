import { Module } from '@nestjs/common';
import { EscalationDirectoryModule } from './escalation-directory.module';
import { LaddersHttpController } from './ladders.http.controller';
import { GetLadderHandler } from './ladders/get-ladder/get-ladder.handler';
import { ListLadderVersionsHandler } from './ladders/list-ladder-versions/list-ladder-versions.handler';
import { SetLadderHandler } from './ladders/set-ladder/set-ladder.handler';
import { CreateOfficialHandler } from './officials/create-official/create-official.handler';
import { DeactivateOfficialHandler } from './officials/deactivate-official/deactivate-official.handler';
import { GetOfficialHandler } from './officials/get-official/get-official.handler';
import { ListOfficialsHandler } from './officials/list-officials/list-officials.handler';
import { UpdateOfficialHandler } from './officials/update-official/update-official.handler';
import { OfficialsHttpController } from './officials.http.controller';

/** The admin HTTP API of ladders (`/v1/admin/ladders`) and officials (`/v1/admin/officials`). */
@Module({
  imports: [EscalationDirectoryModule],
  controllers: [LaddersHttpController, OfficialsHttpController],
  providers: [
    SetLadderHandler,
    GetLadderHandler,
    ListLadderVersionsHandler,
    CreateOfficialHandler,
    ListOfficialsHandler,
    GetOfficialHandler,
    UpdateOfficialHandler,
    DeactivateOfficialHandler,
  ],
})
export class EscalationDirectoryApiModule {}
