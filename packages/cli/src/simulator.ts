import {
  defaultCredentials,
  type RunningSimulator,
  startQualysSimulator,
} from '@posturesync/qualys-simulator';

/** The simulator's demo account; the demo config sends these through the redacted secret path. */
export const demoCredentials = defaultCredentials;

/** The title prefix of the simulator's default scheduled Policy Reports. */
export const demoReportTitlePrefix = 'PC-Weekly';

export interface DemoEstate {
  seed: number;
  hosts: number;
  policies: number;
  controlsPerPolicy: number;
}

export type { RunningSimulator };

/** Starts the Qualys simulator on 127.0.0.1 (random port) with rate limits off, so the demo takes seconds. */
export function startDemoSimulator(estate: DemoEstate): Promise<RunningSimulator> {
  return startQualysSimulator({
    estate,
    credentials: { ...demoCredentials },
    pcrsRateLimit: false,
    classicRateLimit: false,
  });
}
