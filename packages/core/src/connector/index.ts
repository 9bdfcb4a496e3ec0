export * from './config-options.ts';
export * from './connector.ts';
