/**
 * haraka-plugin-mail-routing: RCPT TO routing through the LDAP bridge, and local
 * delivery of accepted mail over LMTP — for inbound mail (`queue`) and for
 * authenticated submission (`queue_outbound`, where Haraka sends relayed mail and
 * skips `queue`). Only Haraka glue lives here; the logic is in lib/.
 */
import os from 'node:os';
import { PassThrough } from 'node:stream';
import {
  CONTINUE,
  DIRECTORY_TEMPFAIL,
  DirectoryHolder,
  envelopeAddress,
  guardHook,
  HookCode,
  logHookError,
  watchPluginConfig,
  type Connection,
  type GetMxNext,
  type HarakaAddress,
  type HarakaPlugin,
  type HMailItem,
  type HookAnswer,
  type MxAnswer,
  type Outbound,
  type RcptParams,
  type Transaction,
} from '@mail/haraka-common';
import type { Route } from '@mail/core';
import { CONFIG_FILE, parseRoutingConfig, worstCaseDeliveryMs, type RoutingConfig } from './lib/config';
import { decideDelivery, deliverWithRetries } from './lib/delivery';
import { deliverLmtp, type RecipientResult } from './lib/lmtp';
import { isLmtpHandoff, markLmtpHandoff, rememberRoute, targetMailboxes } from './lib/notes';
import { answerForRoute } from './lib/route-reply';

interface RoutingState {
  config: RoutingConfig;
  directory: DirectoryHolder;
}

export type RoutingPlugin = HarakaPlugin & { mailRouting?: RoutingState };

function stateOf(plugin: RoutingPlugin): RoutingState {
  if (!plugin.mailRouting) throw new Error('mail-routing: configuration not loaded');
  return plugin.mailRouting;
}

export function register(this: RoutingPlugin): void {
  const directory = new DirectoryHolder();
  watchPluginConfig(this, CONFIG_FILE, parseRoutingConfig, (config) => {
    directory.configure(config.directory);
    this.mailRouting = { config, directory };
    if (worstCaseDeliveryMs(config.lmtp) >= this.timeout * 1000) {
      this.logwarn(`plugin timeout ${this.timeout}s is shorter than a worst-case LMTP delivery; raise mail-routing.timeout`);
    }
  });
}

const openDirectory = async (plugin: RoutingPlugin): Promise<HookAnswer> => {
  stateOf(plugin).directory.open();
  return CONTINUE;
};
export const hook_init_master = guardHook('init_master', openDirectory);
export const hook_init_child = guardHook('init_child', openDirectory);

export function shutdown(this: RoutingPlugin): void {
  this.mailRouting?.directory.close().catch(() => undefined);
}

function transactionOf(connection: Connection): Transaction {
  if (!connection.transaction) throw new Error('no transaction');
  return connection.transaction;
}

export const hook_rcpt = guardHook(
  'rcpt',
  async (plugin: RoutingPlugin, connection: Connection, [recipient]: RcptParams): Promise<HookAnswer> => {
    const transaction = transactionOf(connection);
    const address = envelopeAddress(recipient).toLowerCase();
    let route: Route;
    try {
      route = await stateOf(plugin).directory.get().route(address);
    } catch (err) {
      // Haraka logs a result's `err` at ERROR level, with the connection id.
      connection.results.add(plugin, { err: `route lookup failed for ${address}: ${(err as Error).message}` });
      return DIRECTORY_TEMPFAIL;
    }
    if (route.kind === 'deliver') rememberRoute(transaction.notes, address, route.mailboxes);
    const outcome = route.kind === 'reject' ? `reject:${route.reason}` : route.kind;
    connection.results.add(plugin, route.kind === 'deliver' ? { pass: `rcpt:${route.via}` } : { fail: `rcpt:${outcome}` });
    connection.loginfo(plugin, 'route', { rcpt: address, route: outcome, relaying: connection.relaying });
    return answerForRoute(route, address, connection.relaying);
  },
);

async function deliverQueued(plugin: RoutingPlugin, connection: Connection): Promise<HookAnswer> {
  const transaction = transactionOf(connection);
  const { lmtp } = stateOf(plugin).config;
  const mailboxes = targetMailboxes(transaction.notes, transaction.rcpt_to.map(envelopeAddress));
  const results = await deliverWithRetries(
    mailboxes,
    (recipients) =>
      deliverLmtp({
        socketPath: lmtp.socketPath,
        clientName: connection.local.host,
        sender: envelopeAddress(transaction.mail_from),
        recipients,
        // Haraka keeps the message dot-stuffed; pipe() undoes that (dot_stuffed:
        // true, CRLF) and the LMTP client stuffs it again for the wire.
        openMessage: () => transaction.message_stream.pipe(new PassThrough(), { dot_stuffed: true, line_endings: '\r\n' }),
        timeoutMs: lmtp.timeoutMs,
      }),
    lmtp,
  );
  logResults(plugin, connection, results);
  const verdict = decideDelivery(results);
  connection.results.add(plugin, { [verdict.kind === 'delivered' ? 'pass' : 'fail']: `lmtp:${verdict.kind}` });
  switch (verdict.kind) {
    case 'delivered':
      return { code: HookCode.OK, message: `2.0.0 Delivered to ${results.length} mailbox(es)` };
    case 'tempfail':
      return { code: HookCode.DENYSOFT, message: '4.3.0 Local delivery failed temporarily, please try again later' };
    case 'permfail':
      return { code: HookCode.DENY, message: verdict.reason };
    case 'partial':
      return handOffToQueue(plugin, connection, transaction, verdict.remaining);
  }
}

function logResults(plugin: RoutingPlugin, connection: Connection, results: RecipientResult[]): void {
  for (const r of results) {
    const log = r.status === 'delivered' ? connection.loginfo : connection.logwarn;
    log.call(connection, plugin, 'lmtp', { mailbox: r.recipient, status: r.status, reply: r.reply });
  }
}

/**
 * Partial delivery (see lib/delivery.ts): the mailboxes still missing the message go
 * through Haraka's outbound queue, which is written and fsync'd before this answers;
 * `hook_get_mx` below points those queue entries at the LMTP socket.
 */
function handOffToQueue(
  plugin: RoutingPlugin,
  connection: Connection,
  transaction: Transaction,
  remaining: string[],
): Promise<HookAnswer> {
  const AddressClass = transaction.rcpt_to[0]?.constructor as (new (path: string) => HarakaAddress) | undefined;
  if (!AddressClass) throw new Error('no recipient to copy an address type from');
  const outbound = plugin.haraka_require('outbound') as Outbound;
  transaction.rcpt_to = remaining.map((mailbox) => new AddressClass(`<${mailbox}>`));
  markLmtpHandoff(transaction.notes);
  connection.lognotice(plugin, 'partial delivery: queueing the rest for LMTP', { mailboxes: remaining.join(',') });
  return new Promise((resolve) => {
    outbound.send_trans_email(transaction, (code) => {
      resolve(
        code === HookCode.OK
          ? { code: HookCode.OK, message: `2.0.0 Delivered, ${remaining.length} mailbox(es) queued for retry` }
          : { code: HookCode.DENYSOFT, message: '4.3.0 Local delivery failed temporarily, please try again later' },
      );
    });
  });
}

export const hook_queue = guardHook('queue', deliverQueued);
export const hook_queue_outbound = guardHook('queue_outbound', deliverQueued);

/**
 * Outbound queue entries from handOffToQueue go to Dovecot's LMTP socket, not to an
 * MX. The LHLO name is given explicitly: Haraka leaves it unset when NODE_ENV=test.
 */
export function hook_get_mx(this: RoutingPlugin, next: GetMxNext, hmail: HMailItem): void {
  let mx: MxAnswer | undefined;
  try {
    if (isLmtpHandoff(hmail.todo.notes)) {
      const helo = this.config.get('me', 'value') ?? os.hostname();
      mx = { priority: 0, path: stateOf(this).config.lmtp.socketPath, using_lmtp: true, bind_helo: helo };
    }
  } catch (err) {
    logHookError(this, hmail, `get_mx failed: ${(err as Error).message}`);
    return next(HookCode.DENYSOFT);
  }
  if (mx === undefined) return next();
  next(HookCode.OK, mx);
}
