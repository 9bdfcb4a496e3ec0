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
    // The demo's Policy Reports keep the simulator's older CSV layout until the qualys-pc-report
    // connector reads the real one (issue 11); otherwise the demo would store no findings.
    reportLayout: 'legacy', // until issue 11 connector lands
  });
}
