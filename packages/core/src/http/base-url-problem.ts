import { isIP } from 'node:net';

/** Whether `hostname` (as `URL.hostname` gives it) is this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/** A plain `http://` URL to another machine: credentials and data would cross the network unencrypted. */
export function isInsecureHttpUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname);
  } catch {
    return false;
  }
}

/**
 * What is wrong with a configured API base URL, or null (issue 13). Refused: schemes other
 * than https and http (`file:`, `ftp:`, `data:` would reach undici or fail obscurely later),
 * credentials inside the URL (they would be echoed wherever the URL is), and plain http to
 * anything but this machine unless `allowInsecureHttp` is set (the CLI then warns loudly).
 */
export function baseUrlProblem(url: string, urlKey: string, allowInsecureHttp: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${urlKey} is not a valid URL`;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return `${urlKey} must be an https:// URL, not ${parsed.protocol}`;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return `${urlKey} must not carry credentials (user:password@); set username and the password environment variable instead`;
  }
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname) && !allowInsecureHttp) {
    return `${urlKey} uses plain http:// to ${parsed.hostname}, which sends the credentials unencrypted; use https://, or set allowInsecureHttp: true if you really mean it`;
  }
  return null;
}
