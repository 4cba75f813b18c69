/**
 * Haraka glue for mailing lists and SRS at RCPT and queue time; the decisions are in
 * lib/list-policy.ts and lib/list-delivery.ts.
 */
import { isSrsLocalPart, Srs, type Route } from '@mail/core';
import { envelopeAddress, HookCode, type Connection, type HarakaPlugin, type HookAnswer, type Transaction } from '@mail/haraka-common';
import type { RoutingConfig } from './lib/config';
import { headerValues, queueForwards } from './forward-queue';
import { headerAddresses, planDelivery, rememberList, rememberRemoteBounce, type DeliveryPlan } from './lib/list-delivery';
import { membersOnlyRefusal, resolveSrsBounce } from './lib/list-policy';
import { rememberRoute } from './lib/notes';

const rewriters = new WeakMap<RoutingConfig, Srs | undefined>();

/** One SRS rewriter per loaded configuration (a reload brings a new config object). */
export function srsOf(config: RoutingConfig): Srs | undefined {
  if (!rewriters.has(config)) {
    const { secret, maxAgeDays } = config.srs;
    rewriters.set(config, secret === '' ? undefined : new Srs({ secret, maxAgeDays }));
  }
  return rewriters.get(config);
}

/**
 * RCPT for a list or one of our SRS addresses: an answer when this decides the
 * recipient, undefined to go on with the ordinary route answer.
 */
export async function answerListOrSrs(
  plugin: HarakaPlugin,
  connection: Connection,
  address: string,
  route: Route,
  config: RoutingConfig,
  lookup: (address: string) => Promise<Route>,
): Promise<HookAnswer | undefined> {
  const transaction = connection.transaction;
  if (!transaction) throw new Error('no transaction');
  const local = address.slice(0, address.lastIndexOf('@'));
  if (route.kind !== 'nonlocal' && route.kind !== 'list' && isSrsLocalPart(local)) {
    const bounce = await resolveSrsBounce(local, address, srsOf(config), lookup);
    connection.loginfo(plugin, 'srs', { rcpt: address, verdict: bounce.kind, original: bounce.kind === 'refuse' ? '' : bounce.original });
    if (bounce.kind === 'refuse') {
      connection.results.add(plugin, { fail: 'rcpt:srs' });
      return bounce.answer;
    }
    if (bounce.kind === 'local') rememberRoute(transaction.notes, address, bounce.mailboxes);
    else rememberRemoteBounce(transaction.notes, address, bounce.original);
    connection.results.add(plugin, { pass: 'rcpt:srs' });
    return { code: HookCode.OK };
  }
  if (route.kind !== 'list') return undefined;
  const refusal = membersOnlyRefusal(route, envelopeAddress(transaction.mail_from), address);
  if (refusal) {
    connection.results.add(plugin, { fail: 'rcpt:list:members-only' });
    connection.loginfo(plugin, 'list refused a non-member', { rcpt: address, sender: envelopeAddress(transaction.mail_from) });
    return refusal;
  }
  rememberList(transaction.notes, address, route);
  return undefined;
}

/** Local mailboxes and outbound forwards for the accepted recipients (duplicates suppressed). */
export function deliveryPlan(transaction: Transaction, config: RoutingConfig): DeliveryPlan {
  return planDelivery(
    transaction.notes,
    transaction.rcpt_to.map(envelopeAddress),
    headerAddresses(headerValues(transaction, ['To', 'Cc'])),
    envelopeAddress(transaction.mail_from),
    srsOf(config),
  );
}

/**
 * After local delivery: queue the forwards. Failing to queue them means a 4xx, so
 * the client retries and local members may get a second copy: a duplicate, never a
 * loss (DESIGN.md: a 250 is never lost).
 */
export async function queueForwardsAfterLocal(
  plugin: HarakaPlugin,
  connection: Connection,
  transaction: Transaction,
  plan: DeliveryPlan,
): Promise<HookAnswer | undefined> {
  if (await queueForwards(plugin, connection, transaction, plan.forwards)) return undefined;
  return { code: HookCode.DENYSOFT, message: '4.3.0 Forwarding failed temporarily, please try again later' };
}
