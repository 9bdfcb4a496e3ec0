import { randomBytes } from 'node:crypto';
import { badLogin, missingHeader } from './classic-call.ts';
import { readParameters, sessionIdOf } from './classic-request.ts';
import type { SimulatorRuntime } from './runtime.ts';

/** `/api/2.0/fo/session/`: `action=login` sets the QualysSession cookie, `action=logout` ends it. */
export function sessionEndpoint(runtime: SimulatorRuntime, request: Request): Promise<Response> {
  return runtime.instrument('session', 'classic', async () => {
    if (!request.headers.get('x-requested-with')) return missingHeader(runtime);
    if (request.method !== 'POST') {
      return runtime.simpleReturn(400, {
        code: 1908,
        text: 'Request method (GET or POST) is incompatible with specified parameter(s): action',
      });
    }
    const parameters = await readParameters(request);
    const action = parameters.get('action');
    if (action === 'login') {
      const { username, password } = runtime.options.credentials;
      if (parameters.get('username') !== username || parameters.get('password') !== password)
        return badLogin(runtime);
      const id = randomBytes(16).toString('hex');
      runtime.sessions.add(id);
      const response = runtime.simpleReturn(200, { text: 'Logged in' });
      response.headers.append('Set-Cookie', `QualysSession=${id}; path=/api; secure`);
      return response;
    }
    if (action === 'logout') {
      const id = sessionIdOf(request);
      if (id) runtime.sessions.delete(id);
      return runtime.simpleReturn(200, { text: 'Logged out' });
    }
    if (!action)
      return runtime.simpleReturn(400, { code: 1903, text: 'Missing required parameter(s): action' });
    return runtime.simpleReturn(400, { code: 1905, text: `parameter action has invalid value: ${action}` });
  });
}
