/**
 * What the CLI's commands load when one of them runs (Nest, the database, the modules), kept apart from the parser
 * so that `--help`, a typo or a bad option answers at once.
 */
export { NestFactory } from '@nestjs/core';
export { Client } from 'pg';
export { mintLocalToken } from '@sinergi/auth';
export { ensureAppLogin, runMigrations } from '@sinergi/database';
export { EventStore } from '@sinergi/event-store';
export { CliModule, PoolHolder } from './cli.module';
export { importBranchFile } from './modules/verification/registry/branch-file.registry';
export { importSegmentsFile } from './modules/regional-coverage/segments/import-segments-file';
export { importHolidays, parseHolidaysCsv } from './modules/project-intake/holidays/import-holidays';
export { ProcurementClientRepository } from './modules/procurement-clients/procurement-client.repository';
export { formatRebuildReport, rebuildProjectionByName } from './projections';
export { checkInvariants, formatInvariantReport, INVARIANT_NAMES } from './modules/operations/invariants/invariants';
export { loadCheckpointSigner } from './modules/audit/tamper-evidence/checkpoint/checkpoint-key';
export { toCheckpointDocument } from './modules/audit/tamper-evidence/checkpoint/checkpoint.repository';
export { checkCheckpointOffline, formatOfflineReport } from './modules/audit/tamper-evidence/checkpoint/verify-checkpoint-offline/verify-checkpoint-offline';
export { WriteCheckpointHandler } from './modules/audit/tamper-evidence/checkpoint/write-checkpoint/write-checkpoint.handler';
export { runInaprocPull } from './modules/connectors/inaproc/inaproc-pull.command';
