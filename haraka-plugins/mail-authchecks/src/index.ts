/**
 * haraka-plugin-mail-authchecks: inbound sender authentication on the MX port.
 * Unauthenticated clients from public addresses on the MX port only — never the
 * submission ports, never after AUTH. At connect: forward-confirmed rDNS, and a
 * re-check of dns-list's zones when none is active; on the submission ports it ends
 * the connect hooks so dns-list never refuses a submitting user. At MAIL: anti-spoof
 * of the envelope sender. At data_post: forged headers out, DKIM, DMARC, anti-spoof
 * of From:, our headers in (message-checks.ts). Only Haraka glue lives here.
 */
import dns from 'node:dns';
import {
  directoryPlugin,
  CONTINUE,
  DIRECTORY_TEMPFAIL,
  guardHook,
  HookCode,
  type Connection,
  type DirectoryState,
  type HarakaPlugin,
  type HookAnswer,
  type MailParams,
} from '@mail/haraka-common';
import type { DNSResolver } from 'mailauth';
import { healDnsList, isCheckedClient, onSubmissionPort, rdnsOf, rdnsRefusal, type RecheckState } from './connect-checks';
import { antiSpoofVerdict } from './lib/antispoof';
import { CONFIG_FILE, parseAuthChecksConfig, type AuthChecksConfig } from './lib/config';
import { checkMessage, envelopeSpf, spoofAnswer, stripForgedHeaders } from './message-checks';

interface AuthChecksState extends DirectoryState<AuthChecksConfig> {
  /** Created after the DNS preload pinned the servers; per-query timeout from the config. */
  resolver: dns.promises.Resolver;
  recheck: RecheckState;
}

export type AuthChecksPlugin = HarakaPlugin;

const authChecks = directoryPlugin<AuthChecksConfig, AuthChecksState>({
  name: 'mail-authchecks',
  configFile: CONFIG_FILE,
  parse: parseAuthChecksConfig,
  build: (_plugin, state, previous) => ({
    ...state,
    resolver: new dns.promises.Resolver({ timeout: state.config.dnsTimeoutMs, tries: 2 }),
    recheck: previous?.recheck ?? { lastAt: undefined, zonesKey: '' },
  }),
});
const stateOf = authChecks.stateOf;
export const { hook_init_master, hook_init_child, shutdown } = authChecks;

export function register(this: AuthChecksPlugin): void {
  authChecks.watch(this);
  // Before every other connect hook (dns-list's included), whatever the plugin order.
  this.register_hook('connect', 'check_connect', -100);
}

function mailauthResolver(state: AuthChecksState): DNSResolver {
  return (name, rrtype) => state.resolver.resolve(name, rrtype) as Promise<string[][] | string[]>;
}

async function isLocalDomain(state: AuthChecksState, domain: string): Promise<boolean> {
  return (await state.directory.get().domain(domain)) !== undefined;
}

/**
 * Submission ports: OK ends the connect hooks (the greeting follows), so dns-list
 * never refuses a user before AUTH. MX port: rDNS, and dns-list's zones healed.
 */
export const check_connect = guardHook('connect', async (plugin: AuthChecksPlugin, connection: Connection): Promise<HookAnswer> => {
  const state = stateOf(plugin);
  if (onSubmissionPort(state.config, connection)) return { code: HookCode.OK };
  if (!isCheckedClient(state.config, connection)) return CONTINUE;
  const status = await rdnsOf(connection, state.resolver);
  connection.results.add(plugin, { rdns: status });
  if (status !== 'pass' && state.config.rdnsReject) return rdnsRefusal(status, connection.remote.ip ?? '');
  try {
    await healDnsList(plugin, state.recheck, state.config.dnsblRecheckSeconds * 1000);
  } catch (err) {
    // Fail open: a DNSBL problem never refuses mail.
    connection.logwarn(plugin, `DNSBL zone re-check failed: ${(err as Error).message}`);
  }
  return CONTINUE;
});

/** MAIL (after haraka-plugin-spf): the envelope sender may claim a local domain only with SPF pass. */
export const hook_mail = guardHook('mail', async (plugin: AuthChecksPlugin, connection: Connection, params: MailParams): Promise<HookAnswer> => {
  const state = stateOf(plugin);
  const transaction = connection.transaction;
  const domain = params[0].host.toLowerCase();
  if (!transaction || !state.config.antiSpoof || domain === '' || !isCheckedClient(state.config, connection)) return CONTINUE;
  let local: boolean;
  try {
    local = await isLocalDomain(state, domain);
  } catch (err) {
    connection.results.add(plugin, { err: `domain lookup failed for ${domain}: ${(err as Error).message}` });
    return DIRECTORY_TEMPFAIL;
  }
  // No result at all: haraka-plugin-spf timed out or failed — a temporary error, not a verdict.
  const spf = envelopeSpf(transaction);
  const spfResult = spf?.domain === domain ? spf.result : 'temperror';
  const verdict = antiSpoofVerdict({ domain, identity: 'envelope sender', local, spf: spfResult });
  if (!verdict.refuse) return CONTINUE;
  connection.results.add(plugin, { fail: `antispoof:${domain}` });
  connection.loginfo(plugin, verdict.reason);
  return spoofAnswer(verdict.reason, spfResult);
});

/** data_post (after dkim, before the spam scanner): see message-checks.ts. */
export const hook_data_post = guardHook('data_post', async (plugin: AuthChecksPlugin, connection: Connection): Promise<HookAnswer> => {
  const state = stateOf(plugin);
  const transaction = connection.transaction;
  if (!transaction || connection.relaying || onSubmissionPort(state.config, connection)) return CONTINUE;
  const removed = stripForgedHeaders(transaction, connection.local.host);
  if (removed > 0) connection.loginfo(plugin, `removed ${removed} forged header(s)`);
  if (!isCheckedClient(state.config, connection)) return CONTINUE;
  const answer = await checkMessage({
    connection,
    transaction,
    resolver: mailauthResolver(state),
    isLocalDomain: (domain) => isLocalDomain(state, domain),
    antiSpoof: state.config.antiSpoof,
    dmarc: state.config.dmarc,
    rdns: await rdnsOf(connection, state.resolver),
  });
  connection.results.add(plugin, { pass: `checked:${answer.code === HookCode.CONT ? 'accept' : 'refuse'}` });
  return answer;
});
