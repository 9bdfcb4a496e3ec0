export * from './connector/index.ts';
export * from './errors/index.ts';
export * from './http/index.ts';
export * from './log/index.ts';
export * from './model/index.ts';
export * from './paging/index.ts';
export * from './xml/index.ts';
