export * from './echo.ts';
export * from './logger.ts';
export * from './redact.ts';
