export * from './dates.ts';
export * from './ip-address.ts';
export * from './records.ts';
export * from './severity.ts';
export * from './status.ts';
