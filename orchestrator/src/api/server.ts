/**
 * The REST API server, run inside the orchestrator process (`npm start`) next to the
 * supervised children: started after them, stopped before them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Settings } from '../config/settings';
import { MailServices, ServerSettingsServices, TokenServices, type ApplyServerSettings, type RelayVerifier } from '../services';
import type { Store } from '../store';
import type { DataPaths } from '../config/paths';
import { createApiApp } from './app';
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
