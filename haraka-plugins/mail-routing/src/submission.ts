/**
 * Haraka glue for authenticated submission with remote recipients (queue_outbound).
 * Local recipients first go to LMTP exactly as without remote ones; only when that
 * answered 250 do the remote recipients enter Haraka's outbound queue, which delivers
 * to each domain's MX (opportunistic STARTTLS, retries with backoff, a DSN to the
 * sender when it finally gives up; see haraka-templates/outbound.ini.hbs).
 *
 * Order matters for "250 means never lost, 4xx means nothing happened": if local
 * delivery fails temporarily nothing has been queued yet and the client's retry
 * creates no duplicate. If queueing fails after a local delivery, 4xx risks a second
 * local copy, which is better than losing the remote one (as in lib/delivery.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  envelopeAddress,
  HookCode,
  type Connection,
  type HarakaPlugin,
  type HookAnswer,
  type Outbound,
  type Transaction,
} from '@mail/haraka-common';
import { queueForwards } from './forward-queue';
import { hasRemoteRecipients, splitRecipients } from './lib/remote-recipients';

const QUEUE_TEMPFAIL: HookAnswer = {
  code: HookCode.DENYSOFT,
  message: '4.3.0 The message could not be queued for delivery, please try again later',
};

/**
 * `deliverLocal` delivers `transaction.rcpt_to` (all local) and answers as the
 * queue hook would for a purely local message.
 */
export async function deliverSubmission(
  plugin: HarakaPlugin,
  connection: Connection,
  transaction: Transaction,
  deliverLocal: () => Promise<HookAnswer>,
  forwardSender: (sender: string) => string = (sender) => sender,
): Promise<HookAnswer> {
  if (!hasRemoteRecipients(transaction.notes)) return deliverLocal();
  const { local, remote } = splitRecipients(transaction.notes, transaction.rcpt_to, envelopeAddress);
  const sender = envelopeAddress(transaction.mail_from);
  // A Sieve redirect leaves with an SRS sender (lib/sieve-forward.ts): a copy of its own.
  const remoteSender = forwardSender(sender);
  let queued: boolean;
  if (local.length === 0 && remoteSender === sender) {
    transaction.rcpt_to = remote;
    queued = await queueTransaction(plugin, transaction);
  } else {
    if (local.length > 0) {
      transaction.rcpt_to = local;
      const answer = await deliverLocal();
      // Nothing has left for the remote recipients yet: this answer covers the whole message.
      if (answer.code !== HookCode.OK) return answer;
    }
    const forward = { sender: remoteSender, recipients: remote.map(envelopeAddress) };
    queued = await queueForwards(plugin, connection, transaction, [forward]);
  }
  if (!queued) {
    connection.results.add(plugin, { err: 'outbound: queueing failed' });
    return QUEUE_TEMPFAIL;
  }
  await syncQueueDir(plugin).catch((err: Error) => connection.logwarn(plugin, `queue directory not synced: ${err.message}`));
  connection.results.add(plugin, { pass: 'outbound:queued' });
  connection.loginfo(plugin, 'queued for remote delivery', { rcpts: remote.map(envelopeAddress).join(',') });
  const localPart = local.length > 0 ? 'delivered to local recipients, ' : '';
  return { code: HookCode.OK, message: `2.0.0 Message accepted: ${localPart}queued for ${remote.length} remote recipient(s)` };
}

/** Haraka writes and fsyncs the queue file before this callback (outbound/index.js). */
function queueTransaction(plugin: HarakaPlugin, transaction: Transaction): Promise<boolean> {
  const outbound = plugin.haraka_require('outbound') as Outbound;
  return new Promise((resolve) => outbound.send_trans_email(transaction, (code) => resolve(code === HookCode.OK)));
}

/**
 * Haraka fsyncs the queue file but not the directory it was renamed into; without
 * this a crash right after our 250 could lose the entry (RFC 5321 §6.1: once the
 * message is accepted, the server is responsible for it).
 */
async function syncQueueDir(plugin: HarakaPlugin): Promise<void> {
  const configured = plugin.config.get('queue_dir', 'value');
  const dir = configured ? path.resolve(configured) : path.resolve(process.env['HARAKA'] ?? '.', 'queue');
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
