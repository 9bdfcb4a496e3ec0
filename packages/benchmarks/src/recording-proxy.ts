import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * A loopback proxy in front of the simulator. In `record` mode it forwards everything and saves
 * the bulk responses (postureInfo bodies, report files) byte for byte; in `replay` mode it
 * answers those same requests from the saved files, so a second sync measures the client alone
 * while the server side costs next to nothing. Logins, lists and hostids always go to the
 * simulator (they are cheap and carry the auth and rate-limit behaviour).
 */
export type ProxyMode = 'record' | 'replay' | 'forward';

export interface RecordedResponse {
  key: string;
  endpoint: BulkEndpoint;
  status: number;
  headers: Record<string, string | string[]>;
  file: string;
  bytes: number;
}

export type BulkEndpoint = 'postureInfo' | 'reportFetch';

export interface ProxyCounts {
  requests: Record<string, number>;
  total: number;
  rateLimited429: number;
  conflicts409: number;
}

export function bulkEndpointOf(method: string, url: string, body: string): BulkEndpoint | null {
  const parsed = new URL(url, 'http://proxy.invalid');
  if (method === 'POST' && /\/posture\/postureInfo$/.test(parsed.pathname)) return 'postureInfo';
  if (/\/api\/2\.0\/fo\/report\/?$/.test(parsed.pathname)) {
    const action = parsed.searchParams.get('action') ?? new URLSearchParams(body).get('action');
    if (action === 'fetch') return 'reportFetch';
  }
  return null;
}

export function endpointName(method: string, url: string, body: string): string {
  const bulk = bulkEndpointOf(method, url, body);
  if (bulk) return bulk;
  const pathname = new URL(url, 'http://proxy.invalid').pathname;
  if (pathname.endsWith('/auth')) return 'auth';
  if (pathname.endsWith('/policy/list')) return 'policyList';
  if (pathname.endsWith('/hostids')) return 'hostids';
  if (pathname.includes('/fo/session')) return 'session';
  if (pathname.includes('/fo/report')) return 'reportList';
  return 'other';
}

/** Credentials and tokens never take part in the key, so a new login replays the same body. */
export function requestKey(method: string, url: string, body: string): string {
  return createHash('sha256').update(`${method} ${url}\n${body}`).digest('hex');
}

const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function copyHeaders(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const copied: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) copied[name] = value;
  }
  return copied;
}

async function readBody(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface RecordingProxy {
  url: string;
  setMode(mode: ProxyMode): void;
  counts(): ProxyCounts;
  resetCounts(): void;
  recordings(): RecordedResponse[];
  close(): Promise<void>;
}

export async function startRecordingProxy(options: {
  upstream: string;
  directory: string;
}): Promise<RecordingProxy> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const saved = new Map<string, RecordedResponse>();
  let mode: ProxyMode = 'forward';
  let counts: ProxyCounts = { requests: {}, total: 0, rateLimited429: 0, conflicts409: 0 };
  let fileNumber = 0;

  const countStatus = (status: number) => {
    if (status === 429) counts.rateLimited429++;
    if (status === 409) counts.conflicts409++;
  };

  async function replay(entry: RecordedResponse, outgoing: ServerResponse): Promise<void> {
    countStatus(entry.status);
    outgoing.writeHead(entry.status, { ...entry.headers, 'content-length': String(entry.bytes) });
    await pipeline(createReadStream(entry.file, { highWaterMark: 256 * 1024 }), outgoing);
  }

  async function forward(
    incoming: IncomingMessage,
    body: Buffer,
    outgoing: ServerResponse,
    record: { key: string; endpoint: BulkEndpoint } | null,
  ): Promise<void> {
    const headers = { ...incoming.headers, host: upstream.host, 'content-length': String(body.length) };
    const upstreamRequest = request({
      host: upstream.hostname,
      port: upstream.port,
      method: incoming.method,
      path: incoming.url,
      headers,
      agent,
    });
    upstreamRequest.end(body);
    const [response] = (await once(upstreamRequest, 'response')) as [IncomingMessage];
    const status = response.statusCode ?? 502;
    countStatus(status);
    const responseHeaders = copyHeaders(response.headers);
    outgoing.writeHead(status, responseHeaders);
    if (!record || status !== 200) {
      await pipeline(response, outgoing);
      return;
    }
    fileNumber += 1;
    const file = path.join(
      options.directory,
      `${record.endpoint}-${String(fileNumber).padStart(6, '0')}.bin`,
    );
    const sink = createWriteStream(file);
    // pipe() to both: the slower of the client and the disk sets the pace.
    response.pipe(sink);
    await pipeline(response, outgoing);
    if (!sink.writableFinished) await once(sink, 'finish');
    const { size } = await stat(file);
    saved.set(record.key, { ...record, status, headers: responseHeaders, file, bytes: size });
  }

  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const body = await readBody(incoming);
      const method = incoming.method ?? 'GET';
      const url = incoming.url ?? '/';
      const text = body.toString('utf8');
      const name = endpointName(method, url, text);
      counts.requests[name] = (counts.requests[name] ?? 0) + 1;
      counts.total++;
      const bulk = bulkEndpointOf(method, url, text);
      const key = bulk ? requestKey(method, url, text) : null;
      const entry = key ? saved.get(key) : undefined;
      if (mode === 'replay' && entry) return replay(entry, outgoing);
      return forward(
        incoming,
        body,
        outgoing,
        mode === 'record' && bulk && key ? { key, endpoint: bulk } : null,
      );
    })().catch(() => {
      // The client went away or the simulator broke the body: pass the broken connection on.
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.destroy();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setMode: (next) => {
      mode = next;
    },
    counts: () => structuredClone(counts),
    resetCounts: () => {
      counts = { requests: {}, total: 0, rateLimited429: 0, conflicts409: 0 };
    },
    recordings: () => [...saved.values()],
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}
