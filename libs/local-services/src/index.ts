export { ensurePostgres, type EnsurePostgresOptions } from './postgres';
export { ensureRedis, type EnsureRedisOptions } from './redis';
export { freePort, isPostgresReachable, isRedisReachable } from './probes';
export type { RunningService } from './running-service';
export { type CaughtMessage, type MailCatcher, type MailCatcherOptions, startMailCatcher } from './mail-catcher';
export {
  type GraphFault,
  type GraphMessageRequest,
  type StatusName,
  startWhatsappStandIn,
  type WhatsappStandIn,
  type WhatsappStandInOptions,
} from './whatsapp-stand-in';
