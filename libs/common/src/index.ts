export * from './clock';
export * from './bull-connection';
export * from './config';
export * from './domain-error';
export * from './secret-box';
export * from './problem';
export * from './safe-error';
export * from './public-address';
