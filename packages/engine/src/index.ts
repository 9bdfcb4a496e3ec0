export * from './store/index.ts';
export * from './sync/index.ts';
