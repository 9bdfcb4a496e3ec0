import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { ConfigError } from '@posturesync/core';
import { getResponse, type RequestHandler } from 'msw';
import { createQualysHandlers } from '../create-qualys-handlers.ts';
import type { SimulatorOptions, SimulatorState } from '../simulator-types.ts';

export interface RunningSimulator {
  /** `http://127.0.0.1:PORT`; serves the gateway and the classic API paths. */
  url: string;
  state: SimulatorState;
  close(): Promise<void>;
}

export interface StartSimulatorOptions extends SimulatorOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Loopback only. */
  host?: '127.0.0.1';
}

function toFetchRequest(incoming: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const method = incoming.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(new URL(incoming.url ?? '/', origin), {
    method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(incoming) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit);
}

/** Waits for backpressure to clear (or the client to go away) without leaking listeners. */
function drained(outgoing: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      outgoing.off('drain', done);
      outgoing.off('close', done);
      resolve();
    };
    outgoing.on('drain', done);
    outgoing.on('close', done);
  });
}

async function sendResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  outgoing.writeHead(response.status, headers);
  if (!response.body) {
    outgoing.end();
    return;
  }
  // Send the status line at once, so a body that fails later still reaches the client as a mid-body reset.
  outgoing.flushHeaders();
  const reader = response.body.getReader();
  let clientGone = false;
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) {
      clientGone = true;
      void reader.cancel().catch(() => undefined);
    }
  });
  let lastWrite: Promise<void> = Promise.resolve();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || clientGone) break;
      let accepted = true;
      lastWrite = new Promise<void>((resolve) => {
        accepted = outgoing.write(value, () => resolve());
      });
      if (!accepted) await drained(outgoing);
    }
    outgoing.end();
  } catch {
    // A body that errors mid-stream is a connection reset for the client: let the bytes
    // already written reach it, then destroy the socket without the terminating chunk.
    await Promise.race([lastWrite, new Promise((resolve) => setTimeout(resolve, 1000))]);
    outgoing.destroy();
  }
}

async function handle(
  handlers: RequestHandler[],
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  origin: string,
) {
  try {
    const response = await getResponse(handlers, toFetchRequest(incoming, origin));
    if (!response) {
      outgoing.writeHead(404, { 'Content-Type': 'application/json' });
      outgoing.end(
        JSON.stringify({
          status: 404,
          error: 'Not Found',
          message: `No simulated endpoint for ${incoming.method} ${incoming.url}`,
        }),
      );
      return;
    }
    await sendResponse(response, outgoing);
  } catch (error) {
    if (!outgoing.headersSent) {
      outgoing.writeHead(500, { 'Content-Type': 'text/plain' });
      outgoing.end(`Simulator error: ${error instanceof Error ? error.message : String(error)}`);
    } else {
      outgoing.destroy();
    }
  }
}

/** Serves the msw handlers over real HTTP on loopback, for clients msw cannot intercept (undici). */
export async function startQualysSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new ConfigError('The Qualys simulator only listens on 127.0.0.1.');
  const { handlers, state } = createQualysHandlers(options);
  let origin = '';
  const server = createServer((incoming, outgoing) => {
    void handle(handlers, incoming, outgoing, origin);
  });
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  origin = `http://${host}:${port}`;
  return {
    url: origin,
    state,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
