import { BadResponseError } from '../errors/index.ts';
import type { HttpRequest } from './types.ts';

/** Origin (for the connection pool) and path prefix of a client's base URL. */
export interface BaseTarget {
  origin: string;
  pathPrefix: string;
}

export function parseBaseUrl(baseUrl: string): BaseTarget {
  const url = new URL(baseUrl);
  return { origin: url.origin, pathPrefix: url.pathname.replace(/\/+$/, '') };
}

/**
 * The path and query to send. `request.path` is relative to the base URL's path; an absolute URL
 * on the same origin (a Qualys `WARNING/URL` next-page link) is used as it is. A link to another
 * host is refused, because the client's credentials must never travel to it.
 */
export function requestTarget(base: BaseTarget, request: Pick<HttpRequest, 'path' | 'query'>): string {
  let target: string;
  if (/^https?:\/\//i.test(request.path)) {
    const url = new URL(request.path);
    if (url.origin !== base.origin) {
      throw new BadResponseError(
        `Refusing to follow a link to ${url.origin}: this client only talks to ${base.origin}, and sending credentials elsewhere would leak them.`,
        { details: { origin: url.origin, expectedOrigin: base.origin } },
      );
    }
    target = `${url.pathname}${url.search}`;
  } else {
    const relative = request.path.startsWith('/') ? request.path : `/${request.path}`;
    target = `${base.pathPrefix}${relative}`;
  }
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) query.append(key, String(value));
  }
  const extra = query.toString();
  if (extra === '') return target;
  return `${target}${target.includes('?') ? '&' : '?'}${extra}`;
}
