/**
 * haraka-plugin-mail-relay: remote mail of a domain with a relay (ldap-bridge
 * `mailRelay`) leaves through it. get_mx runs after mail-routing's (plugins order), so
 * local and LMTP deliveries are already answered; for the rest the sender domain's
 * relay decides: the DNS MX (direct), the smarthost with AUTH, or nothing (noop).
 * noop drops the remote recipients of submitted mail at queue_outbound (local ones are
 * still delivered); a queue entry that reaches get_mx anyway is refused (a DSN tells
 * the sender) rather than sent. Only Haraka glue lives here.
 */
import {
  directoryPlugin,
  CONTINUE,
  DIRECTORY_TEMPFAIL,
  envelopeAddress,
  guardHook,
  HookCode,
  logHookError,
  type Connection,
  type GetMxNext,
  type HarakaPlugin,
  type HMailItem,
  type HookAnswer,
} from '@mail/haraka-common';
import type { Relay } from '@mail/core';
import { CONFIG_FILE, parseRelayPluginConfig, type RelayPluginConfig } from './lib/config';
import { describeRoute, relayRoute } from './lib/relay-route';

export type RelayPlugin = HarakaPlugin;

const relay = directoryPlugin({ name: 'mail-relay', configFile: CONFIG_FILE, parse: parseRelayPluginConfig });
const stateOf = relay.stateOf;
export const { hook_init_master, hook_init_child, shutdown } = relay;

export function register(this: RelayPlugin): void {
  relay.watch(this);
  // After mail-outbound's DKIM scoping (-100), before mail-routing's delivery (0).
  this.register_hook('queue_outbound', 'drop_for_noop_relay', -50);
}

function relayOf(plugin: RelayPlugin, domain: string): Promise<Relay | undefined> {
  if (domain === '') return Promise.resolve(undefined); // null sender (a DSN): direct
  return stateOf(plugin).directory.get().domainRelay(domain);
}

/** get_mx: the smarthost for a domain with a relay; CONT (DNS MX) otherwise. */
export function hook_get_mx(this: RelayPlugin, next: GetMxNext, hmail: HMailItem): void {
  const sender = hmail.todo.mail_from.host ?? '';
  let lookup: Promise<Relay | undefined>;
  try {
    lookup = relayOf(this, sender);
  } catch (err) {
    logHookError(this, hmail, `get_mx failed: ${(err as Error).message}`);
    return next(HookCode.DENYSOFT);
  }
  lookup.then(
    (relay) => {
      const route = relayRoute(relay);
      if (route.kind === 'direct') return next();
      this.loginfo(`${hmail.todo.domain} from ${sender}: ${describeRoute(route)}`);
      if (route.kind === 'drop') return next(HookCode.DENY);
      const helo = this.config.get('me', 'value');
      next(HookCode.OK, { ...route.mx, ...(helo ? { bind_helo: helo } : {}) });
    },
    (err: Error) => {
      // The directory is down: try again later rather than send the wrong way.
      logHookError(this, hmail, `get_mx: relay lookup for ${sender} failed: ${err.message}`);
      next(HookCode.DENYSOFT);
    },
  );
}

/**
 * queue_outbound, for noop: the remote recipients of submitted mail are dropped
 * (logged and counted); local ones go on to mail-routing. All remote: accepted here.
 */
export const drop_for_noop_relay = guardHook(
  'queue_outbound',
  async (plugin: RelayPlugin, connection: Connection): Promise<HookAnswer> => {
    const transaction = connection.transaction;
    const sender = transaction?.mail_from.host ?? '';
    if (!transaction || sender === '') return CONTINUE;
    const directory = stateOf(plugin).directory.get();
    let local: typeof transaction.rcpt_to;
    try {
      if ((await directory.domainRelay(sender))?.provider !== 'noop') return CONTINUE;
      const routes = await Promise.all(transaction.rcpt_to.map((rcpt) => directory.route(envelopeAddress(rcpt))));
      local = transaction.rcpt_to.filter((_rcpt, i) => routes[i]?.kind !== 'nonlocal');
    } catch (err) {
      connection.results.add(plugin, { err: `relay lookup failed for ${sender}: ${(err as Error).message}` });
      return DIRECTORY_TEMPFAIL;
    }
    const dropped = transaction.rcpt_to.length - local.length;
    if (dropped === 0) return CONTINUE;
    connection.results.add(plugin, { skip: `noop relay: ${dropped} remote recipient(s) dropped` });
    connection.loginfo(plugin, 'noop relay', { domain: sender, dropped });
    if (local.length === 0) return { code: HookCode.OK, message: `2.0.0 Accepted; outbound mail is off for ${sender}` };
    transaction.rcpt_to = local;
    return CONTINUE;
  },
);
