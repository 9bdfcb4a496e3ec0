import { classicHandlers } from './handlers/classic-handlers.ts';
import { pcrsHandlers } from './handlers/pcrs-handlers.ts';
import { SimulatorRuntime } from './handlers/runtime.ts';
import type { QualysHandlers, SimulatorOptions } from './simulator-types.ts';

/**
 * msw handlers for the Qualys gateway (`/auth`, `/pcrs/{1..5}.0/posture/...`) and the
 * classic API v2 (`/api/2.0/fo/session/`, `/api/2.0/fo/report/`). Paths match any
 * origin, so one set serves both base URLs.
 */
export function createQualysHandlers(options: SimulatorOptions = {}): QualysHandlers {
  const runtime = new SimulatorRuntime(options);
  return { handlers: [...pcrsHandlers(runtime), ...classicHandlers(runtime)], state: runtime.state };
}
