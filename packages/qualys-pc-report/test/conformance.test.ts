import { describeConnectorConformance } from '@posturesync/engine/testing';
import { startQualysSimulator } from '@posturesync/qualys-simulator';
import { SqliteStore } from '@posturesync/store-sqlite';
import {
  type QualysPcReportConfig,
  type QualysPcReportConfigInput,
  qualysPcReportConnector,
} from '../src/index.ts';
import { credentials, smallEstate } from './support.ts';

describeConnectorConformance<QualysPcReportConfig>({
  definition: qualysPcReportConnector,
  setup: async () => {
    const simulator = await startQualysSimulator({
      estate: smallEstate,
      classicRateLimit: false,
      reports: [{ id: '42', title: 'PC-Weekly conformance', format: 'csv' }],
    });
    const config: QualysPcReportConfigInput = {
      apiUrl: simulator.url,
      ...credentials,
      titlePrefix: 'PC-Weekly',
      maxRetries: 0,
      // One attempt, so that the one-shot reset of interruptRead really interrupts the sync
      // (retried reports are tested in report-retry.test.ts).
      maxReportAttempts: 1,
    };
    return {
      // The kit parses the input form with the schema.
      config: config as QualysPcReportConfig,
      teardown: () => simulator.close(),
      failures: {
        badCredentials: () => ({ ...config, password: 'not-the-password' }) as QualysPcReportConfig,
        unreachable: () => ({ ...config, apiUrl: 'http://127.0.0.1:9' }) as QualysPcReportConfig,
        interruptRead: () => {
          simulator.state.setFaults([{ endpoint: 'reportFetch', kind: 'resetMidBody' }]);
          return () => simulator.state.setFaults([]);
        },
      },
    };
  },
  invalidConfigs: [
    {
      name: 'issue 13: a file: apiUrl',
      config: { apiUrl: 'file:///etc/passwd', username: 'u', password: 'p', titlePrefix: 'PC' },
      expectPath: 'apiUrl',
    },
    {
      name: 'issue 13: a plain http apiUrl to another host without allowInsecureHttp',
      config: { apiUrl: 'http://qualysapi.example.test', username: 'u', password: 'p', titlePrefix: 'PC' },
      expectPath: 'apiUrl',
    },
    {
      name: 'no titlePrefix',
      config: { apiUrl: 'https://q.example', username: 'u', password: 'p' },
      expectPath: 'titlePrefix',
    },
    {
      name: 'neither platform nor apiUrl',
      config: { username: 'u', password: 'p', titlePrefix: 'PC' },
      expectPath: 'platform',
    },
    {
      name: 'both platform and apiUrl',
      config: {
        platform: 'US1',
        apiUrl: 'https://q.example',
        username: 'u',
        password: 'p',
        titlePrefix: 'PC',
      },
      expectPath: 'apiUrl',
    },
    {
      name: 'launch without a template',
      config: { platform: 'US1', username: 'u', password: 'p', titlePrefix: 'PC', launch: { policyId: '1' } },
      expectPath: 'launch.templateId',
    },
    {
      name: 'unknown format',
      config: { platform: 'US1', username: 'u', password: 'p', titlePrefix: 'PC', format: 'pdf' },
      expectPath: 'format',
    },
  ],
  secretValues: (config) => [config.password],
  openStore: () => SqliteStore.open(':memory:'),
  resumeMode: 'restart',
});
