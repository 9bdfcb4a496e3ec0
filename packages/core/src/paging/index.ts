export { assertConcurrency } from './bounded-concurrency.ts';
export * from './chunk.ts';
export * from './merge-async-iterables.ts';
export * from './page-through.ts';
export * from './run-bounded.ts';
