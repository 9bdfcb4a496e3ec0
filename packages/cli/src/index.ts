export { cliVersion, runCli } from './cli.ts';
export { configTemplate, type TemplateType, templateTypes } from './config/config-template.ts';
export { type ConfigFile, readConfigFile, resolveConnectors } from './config/load-config.ts';
export type { ResolvedConnector } from './config/resolve-connector.ts';
export type { ConnectorSearch } from './connector-discovery.ts';
export type { CliStream, RunCliOptions } from './context.ts';
export { type ExitCode, exitCodeForError, exitCodeForErrorCode, exitCodes } from './exit-codes.ts';
export {
  builtInConnectors,
  builtInRegistry,
  type ConnectorRegistry,
  type DiscoverConnectorsOptions,
  discoverConnectors,
} from './registry.ts';
export { installSignalHandlers } from './signals.ts';
