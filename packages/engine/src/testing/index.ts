export * from './conformance.ts';
export * from './database-snapshot.ts';
export * from './store-contract.ts';
