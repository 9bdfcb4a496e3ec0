import * as simulator from '@posturesync/qualys-simulator';

/** The simulator's default demo account (it accepts these unless told otherwise). */
export const demoCredentials = { username: 'posturesync_demo', password: 'demo-password' } as const;

/** The report title prefix of the simulator's default Policy Reports. */
export const demoReportTitlePrefix = 'PC-Weekly';

export interface DemoEstate {
  seed: number;
  hosts: number;
  policies: number;
  controlsPerPolicy: number;
}

export interface RunningSimulator {
  url: string;
  close(): Promise<void>;
}

interface StartOptions {
  estate: DemoEstate;
  credentials: { username: string; password: string };
  pcrsRateLimit: false;
  classicRateLimit: false;
}

// TEMPORARY until @posturesync/qualys-simulator exports startQualysSimulator; then a direct import.
function start(options: StartOptions): Promise<RunningSimulator> {
  const fn = (simulator as Record<string, unknown>).startQualysSimulator;
  if (typeof fn !== 'function')
    throw new Error('@posturesync/qualys-simulator does not export startQualysSimulator yet');
  return (fn as (options: StartOptions) => Promise<RunningSimulator>)(options);
}

/** Starts the Qualys simulator on loopback with limits off, so the demo finishes in seconds. */
export function startDemoSimulator(estate: DemoEstate): Promise<RunningSimulator> {
  return start({
    estate,
    credentials: { ...demoCredentials },
    pcrsRateLimit: false,
    classicRateLimit: false,
  });
}
