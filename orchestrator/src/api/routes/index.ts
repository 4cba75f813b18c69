/** Every API route, in the order the OpenAPI document lists them. */
import type { Route } from '../route';
import { directoryRoutes } from './directory';
import { domainRoutes } from './domains';
import { domainSettingRoutes } from './domain-settings';
import { listRoutes } from './lists';
import { mailboxRoutes } from './mailboxes';
import { mailserverRoutes } from './mailserver';
import { transferRoutes } from './transfer';

export const ROUTES: readonly Route[] = [
  ...directoryRoutes,
  ...domainRoutes,
  ...mailboxRoutes,
  ...listRoutes,
  ...domainSettingRoutes,
  ...mailserverRoutes,
  ...transferRoutes,
];
