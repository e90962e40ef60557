export * from './data-source';
export * from './database.module';
export * from './migrations';
export { SINJAI_REGIONS } from './migrations/1764000000002-seed-sinjai-regions';
export * from './in-transaction';
export * from './app-login';
