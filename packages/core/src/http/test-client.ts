import { createLogger, type LogRecord } from '../log/logger.ts';
import { SecretRedactor } from '../log/redact.ts';
import { createHttpClient, type HttpClientOptions, type ManagedHttpClient } from './http-client.ts';
import { createMetrics, type HttpClientMetrics } from './types.ts';

export interface TestClient {
  client: ManagedHttpClient;
  metrics: HttpClientMetrics;
  redactor: SecretRedactor;
  logs: LogRecord[];
  /** Every back-off or server wait the client asked for; the injected sleep returns at once. */
  waits: number[];
}

/**
 * A client for tests: debug logs captured, a sleep that records instead of waiting (unless
 * `realSleep`), and retries fast by default.
 */
export function createTestClient(
  baseUrl: string,
  overrides: Partial<Omit<HttpClientOptions, 'redactor' | 'logger' | 'metrics'>> & {
    redactor?: SecretRedactor;
    realSleep?: boolean;
  } = {},
): TestClient {
  const { realSleep, redactor: givenRedactor, ...rest } = overrides;
  const redactor = givenRedactor ?? new SecretRedactor();
  const logs: LogRecord[] = [];
  const waits: number[] = [];
  const metrics = createMetrics();
  // The injected sleep advances a virtual clock, so server-mandated pauses elapse without waiting.
  let clock = Date.now();
  const client = createHttpClient({
    baseUrl,
    redactor,
    metrics,
    logger: createLogger({ level: 'debug', redactor, sink: (record) => logs.push(record) }),
    random: () => 0.5,
    ...(realSleep
      ? {}
      : {
          sleep: async (ms: number, signal?: AbortSignal) => {
            signal?.throwIfAborted();
            waits.push(ms);
            clock += ms;
          },
          now: () => clock,
        }),
    ...rest,
  });
  return { client, metrics, redactor, logs, waits };
}
