/**
 * haraka-plugin-mail-routing: RCPT TO routing through the LDAP bridge, and local
 * delivery of accepted mail over LMTP — for inbound mail (`queue`) and for
 * authenticated submission (`queue_outbound`, where Haraka sends relayed mail and
 * skips `queue`). Only Haraka glue lives here; the logic is in lib/.
 */
import os from 'node:os';
import { PassThrough } from 'node:stream';
import {
  directoryPlugin,
  CONTINUE,
  DIRECTORY_TEMPFAIL,
  envelopeAddress,
  guardHook,
  HookCode,
  isInternalSubmission,
  logHookError,
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
import { isLmtpHandoff, markLmtpHandoff, rememberRoute } from './lib/notes';
import { answerForRoute } from './lib/route-reply';
import { rememberRemote } from './lib/remote-recipients';
import { mxForLocalDomain } from './local-mx';
import { deliverSubmission } from './submission';
import { answerListOrSrs, deliveryPlan, queueForwardsAfterLocal, srsOf } from './list-rcpt';
import { headerValues } from './forward-queue';
import { sieveForwardSender } from './lib/sieve-forward';
import { srsRecipientsHook } from './srs-outbound';

export type RoutingPlugin = HarakaPlugin;

const routing = directoryPlugin({
  name: 'mail-routing',
  configFile: CONFIG_FILE,
  parse: parseRoutingConfig,
  build: (plugin, state) => {
    if (worstCaseDeliveryMs(state.config.lmtp) >= plugin.timeout * 1000) {
      plugin.logwarn(`plugin timeout ${plugin.timeout}s is shorter than a worst-case LMTP delivery; raise mail-routing.timeout`);
    }
    return state;
  },
});
const stateOf = routing.stateOf;
export const { hook_init_master, hook_init_child, shutdown } = routing;

export function register(this: RoutingPlugin): void {
  routing.watch(this);
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
    // Mailing lists (members-only) and bounces to our SRS addresses: list-rcpt.ts.
    const { config, directory } = stateOf(plugin);
    const special = await answerListOrSrs(plugin, connection, address, route, config, (a) => directory.get().route(a));
    if (special) return special;
    if (route.kind === 'deliver') rememberRoute(transaction.notes, address, route.mailboxes);
    // Authenticated submission relays to other domains (RFC 6409); see submission.ts.
    if (route.kind === 'nonlocal' && connection.relaying) rememberRemote(transaction.notes, address);
    const outcome = route.kind === 'reject' ? `reject:${route.reason}` : route.kind;
    connection.results.add(plugin, route.kind === 'deliver' ? { pass: `rcpt:${route.via}` } : { fail: `rcpt:${outcome}` });
    connection.loginfo(plugin, 'route', { rcpt: address, route: outcome, relaying: connection.relaying });
    return answerForRoute(route, address, connection.relaying);
  },
);

async function deliverQueued(plugin: RoutingPlugin, connection: Connection): Promise<HookAnswer> {
  const transaction = transactionOf(connection);
  const { lmtp } = stateOf(plugin).config;
  // Lists expand here, minus members named in To/Cc; forwards leave after local delivery.
  const plan = deliveryPlan(transaction, stateOf(plugin).config);
  const mailboxes = plan.mailboxes;
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
  if (verdict.kind === 'delivered' || verdict.kind === 'partial') {
    const forwardFailure = await queueForwardsAfterLocal(plugin, connection, transaction, plan);
    if (forwardFailure) return forwardFailure;
  }
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
// Haraka's own DSNs to our SRS addresses go to the original sender (srs-outbound.ts).
export const hook_pre_send_trans_email = srsRecipientsHook((plugin: RoutingPlugin) => {
  const { config, directory } = stateOf(plugin);
  return { config, route: (address: string) => directory.get().route(address) };
});
// Submission: local recipients over LMTP, remote ones into the outbound queue (submission.ts).
export const hook_queue_outbound = guardHook('queue_outbound', (plugin: RoutingPlugin, connection: Connection) => {
  const transaction = transactionOf(connection);
  // Only Dovecot's own submissions may name the redirecting mailbox (mail-auth).
  const forwardSender = isInternalSubmission(connection)
    ? (sender: string) => sieveForwardSender(sender, headerValues(transaction, ['X-Sieve-Redirected-From']), srsOf(stateOf(plugin).config))
    : undefined;
  return deliverSubmission(plugin, connection, transaction, () => deliverQueued(plugin, connection), forwardSender);
});

/**
 * Outbound queue entries from handOffToQueue, and any entry for one of our own
 * domains (Haraka's DSN to a local sender, see local-mx.ts), go to Dovecot's LMTP
 * socket, not to an MX; other domains fall through to the MX lookup in DNS. The LHLO
 * name is given explicitly: Haraka leaves it unset when NODE_ENV=test.
 */
export function hook_get_mx(this: RoutingPlugin, next: GetMxNext, hmail: HMailItem): void {
  let lmtp: MxAnswer;
  let route: (address: string) => Promise<Route>;
  try {
    const helo = this.config.get('me', 'value') ?? os.hostname();
    lmtp = { priority: 0, path: stateOf(this).config.lmtp.socketPath, using_lmtp: true, bind_helo: helo };
    const directory = stateOf(this).directory.get();
    route = (address) => directory.route(address);
  } catch (err) {
    logHookError(this, hmail, `get_mx failed: ${(err as Error).message}`);
    return next(HookCode.DENYSOFT);
  }
  if (isLmtpHandoff(hmail.todo.notes)) return next(HookCode.OK, lmtp);
  mxForLocalDomain(this, next, hmail, route, lmtp);
}
