export * from './event-hash';
export * from './event-store';
export * from './event-store.errors';
export * from './event-store.types';
export * from './upcasters';
export * from './verify-chain';
export * from './log-consumer';
export * from './retry-on-conflict';
