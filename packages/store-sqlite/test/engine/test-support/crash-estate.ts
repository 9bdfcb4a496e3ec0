import type { EstateOptions, FakeConfig } from './fake-connector.ts';

/** Shared by the crash test and its child process: 3 x (1 + 10) = 33 batches. */
export const crashEstate: Omit<EstateOptions, 'variant'> = {
  policies: 3,
  hosts: 20,
  controls: 4,
  hostsPerBatch: 2,
};
export const crashTestConfig: FakeConfig = {
  url: 'https://source.example.test',
  password: 'crash-secret',
  pageSize: 10,
};
