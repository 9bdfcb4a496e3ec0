export * from './echo.ts';
export * from './json-depth.ts';
export * from './logger.ts';
export * from './redact.ts';
