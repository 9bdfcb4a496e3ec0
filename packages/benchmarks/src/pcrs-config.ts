import { defaultCredentials } from '@posturesync/qualys-simulator';

/** The PCRS connector's configuration for a scenario against the simulator at `url`. */
export function pcrsConfig(
  url: string,
  options: { rateLimit: false | { requests: number; perSeconds: number }; batchSize?: number },
): Record<string, unknown> {
  return {
    gatewayUrl: url,
    username: defaultCredentials.username,
    password: defaultCredentials.password,
    rateLimit: options.rateLimit,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  };
}
