import { onStreamDone } from '../shared/body-streams.ts';
import type { FaultKind } from '../simulator-types.ts';
import { basicCredentialsOf, readParameters, sessionIdOf } from './classic-request.ts';
import type { EndpointName, SimulatorRuntime } from './runtime.ts';

export function missingHeader(runtime: SimulatorRuntime): Response {
  return runtime.simpleReturn(400, {
    code: 1903,
    text: 'Missing required header: X-Requested-With. Every API v2 call must send it (any value).',
  });
}

export function badLogin(runtime: SimulatorRuntime): Response {
  return runtime.simpleReturn(401, { code: 2000, text: 'Bad Login/Password' });
}

/** A live session cookie or the right Basic credentials. */
function authenticated(runtime: SimulatorRuntime, request: Request): boolean {
  const session = sessionIdOf(request);
  if (session && runtime.sessions.has(session)) return true;
  const basic = basicCredentialsOf(request);
  const { username, password } = runtime.options.credentials;
  return basic !== undefined && basic.username === username && basic.password === password;
}

/**
 * Header and auth checks, then the v2 rate and concurrency limits (concurrency first, as Qualys
 * does). The call counts as running until its body is fully sent.
 */
export async function v2Call(
  runtime: SimulatorRuntime,
  endpoint: EndpointName,
  request: Request,
  run: (parameters: URLSearchParams, fault: FaultKind | undefined) => Promise<Response>,
): Promise<Response> {
  return runtime.instrument(endpoint, 'classic', async (fault) => {
    if (!request.headers.get('x-requested-with')) return missingHeader(runtime);
    if (!authenticated(runtime, request)) return badLogin(runtime);
    const limit = runtime.options.classicRateLimit;
    const window = runtime.classicWindow;
    if (limit && window) {
      if (runtime.classicRunning >= limit.concurrency) return runtime.concurrencyConflict();
      if (!window.tryTake(runtime.now())) return runtime.rateConflict(window.secondsToWait(runtime.now()));
    }
    runtime.classicRunning++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      runtime.classicRunning--;
    };
    try {
      const headers = runtime.classicLimitHeaders();
      const response = await run(await readParameters(request), fault);
      for (const [key, value] of Object.entries(headers)) response.headers.set(key, value);
      if (!response.body) {
        release();
        return response;
      }
      return new Response(onStreamDone(response.body, release), {
        status: response.status,
        headers: response.headers,
      });
    } catch (error) {
      release();
      throw error;
    }
  });
}
