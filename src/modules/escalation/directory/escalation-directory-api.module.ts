import { Module } from '@nestjs/common';
import { EscalationDirectoryModule } from './escalation-directory.module';
import { LaddersHttpController } from './ladders.http.controller';
import { OfficialsHttpController } from './officials.http.controller';

/** The admin HTTP API of ladders (`/v1/admin/ladders`) and officials (`/v1/admin/officials`). */
@Module({
  imports: [EscalationDirectoryModule],
  controllers: [LaddersHttpController, OfficialsHttpController],
})
export class EscalationDirectoryApiModule {}
