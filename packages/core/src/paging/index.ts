export * from './chunk.ts';
export * from './page-through.ts';
