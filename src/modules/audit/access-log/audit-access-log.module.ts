import { Module } from '@nestjs/common';
import { AuditAccessLog } from './audit-access-log';

/** The "who looked" log, for every audit route (history, search, export, verification, checkpoints). */
@Module({ providers: [AuditAccessLog], exports: [AuditAccessLog] })
export class AuditAccessLogModule {}
