export { defaultPcrsApiVersion, type PcrsApiVersion, pcrsApiVersions } from './api-version.ts';
export {
  type QualysPcrsConfig,
  type QualysPcrsConfigInput,
  qualysPcrsConfigSchema,
  resolveGatewayUrl,
} from './config-schema.ts';
export { qualysPcrsConnector, qualysPcrsSourceName } from './connector.ts';
export { platformGateways, type QualysPlatform } from './platforms.ts';
