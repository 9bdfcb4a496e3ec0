/** Query parameters, plus the form body of a POST (API v2 takes either). */
export async function readParameters(request: Request): Promise<URLSearchParams> {
  const parameters = new URL(request.url).searchParams;
  if (request.method === 'POST') {
    const contentType = request.headers.get('content-type') ?? '';
    const text = await request.text();
    if (text && (contentType.includes('application/x-www-form-urlencoded') || contentType === '')) {
      for (const [key, value] of new URLSearchParams(text)) parameters.append(key, value);
    }
  }
  return parameters;
}

export function sessionIdOf(request: Request): string | undefined {
  const cookie = request.headers.get('cookie') ?? '';
  return /(?:^|;\s*)QualysSession=([^;]+)/.exec(cookie)?.[1];
}

export function basicCredentialsOf(request: Request): { username: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.get('authorization')?.trim() ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
