export * from './check-connectors.ts';
export * from './connector-consistency.ts';
export * from './connector-names.ts';
export * from './connector-packages.ts';
export * from './generate-connector.ts';
export * from './options-table.ts';
export * from './readme-options.ts';
export * from './render-options-table.ts';
