/** What every handler runs with: the shared services and what the server was started with. */
import type { Settings } from '../config/settings';
import type { MailServices, TokenServices } from '../services';
import type { ServerSettingsServices } from '../services/server-settings';
import type { RelayVerifier } from '../services/relay';
import type { TokenView } from '../services/api-tokens';

export interface ApiContext {
  services: MailServices;
  tokens: TokenServices;
  serverSettings: ServerSettingsServices;
  settings: Settings;
  /** The relay check (a test may point it at a loopback server; default: nodemailer verify). */
  verifyRelay?: RelayVerifier;
  /** The caller, once authenticated. */
  caller?: TokenView;
}
