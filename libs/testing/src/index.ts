export * from './migrated-database';
export * from './test-database';
export * from './test-redis';
export * from './test-config';
export * from './signed-client';
export * from './procurement-fixtures';
export * from './decider-specification';
export * from './wait-for';
