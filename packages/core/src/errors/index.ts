export * from './posturesync-error.ts';
