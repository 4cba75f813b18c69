/**
 * The REST API server, run inside the orchestrator process (`npm start`) next to the
 * supervised children: started after them, stopped before them.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Settings } from '../config/settings';
import { MailServices, ServerSettingsServices, TokenServices, type ApplyServerSettings, type RelayVerifier } from '../services';
import type { Store } from '../store';
import type { DataPaths } from '../config/paths';
import { createApiApp } from './app';
import type { ErrorBody } from './errors';
import { buildOpenApi } from './openapi';
import { ROUTES } from './routes';

export interface ApiServerOptions {
  store: Store;
  paths: DataPaths;
  settings: Settings;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Renders the configs that carry server settings again (Haraka's). */
  applyServerSettings: ApplyServerSettings;
  verifyRelay?: RelayVerifier;
}

export interface ApiServer {
  port: number;
  close(): Promise<void>;
}

export function openApiDocument(): object {
  return buildOpenApi(ROUTES);
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const services = new MailServices(options.store, options.paths);
  const app = createApiApp(
    ROUTES,
    {
      services,
      tokens: new TokenServices(options.store),
      serverSettings: new ServerSettingsServices(options.store, options.settings.maxMessageSize, options.applyServerSettings),
      settings: options.settings,
      ...(options.verifyRelay ? { verifyRelay: options.verifyRelay } : {}),
    },
    openApiDocument(),
  );
  const server = http.createServer(app);
  // Bound the time a slow client may hold a connection (headers, then the whole request).
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Requests Node's HTTP parser refuses before express sees them (a request line or headers
 * over the 16 KiB limit, malformed HTTP) get the API's error shape too, not Node's bare
 * status line (found by test/fuzz-api.test.ts). RFC 6585 §5: 431 for oversized headers.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const body: ErrorBody = tooLarge
    ? { error: 'the request line and headers are too large', code: 'too_large', details: {} }
    : { error: 'the request is not valid HTTP', code: 'validation_failed', details: {} };
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}
