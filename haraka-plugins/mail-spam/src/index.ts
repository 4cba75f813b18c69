/**
 * haraka-plugin-mail-spam: every inbound message (MX port, not authenticated) goes to
 * spamd before it is queued; X-Spam-Status / X-Spam-Flag / X-Spam-Score record the
 * verdict (incoming X-Spam-* dropped first), the Sieve global script files spam into
 * the Spam folder, and a score at or above the reject threshold is refused with 550.
 * spamd down, slow or the message too large: the mail goes on with
 * `X-Spam-Status: not scanned (…)`, logged — never lost, never a 4xx loop.
 * Only Haraka glue lives here (lib/ holds the protocol and the header shapes).
 *
 * Why not haraka-plugin-spamassassin (Haraka's former bundled plugin, 1.1.2)? On a spamd
 * failure it either answers 4xx or lets the mail through with no trace in the message;
 * we need the not-scanned header. It also renames incoming X-Spam-* instead of dropping
 * them, cannot hand spamd the envelope sender (the block/allow lists must see MAIL FROM),
 * and is a sandboxed plain plugin outside our typed config and hook guards.
 */
import {
  CONTINUE,
  DSN,
  guardHook,
  HookCode,
  watchPluginConfig,
  type Connection,
  type HarakaPlugin,
  type HookAnswer,
  type Transaction,
  type TransactionHeaders,
} from '@mail/haraka-common';
import { CONFIG_FILE, parseSpamConfig, type SpamConfig } from './lib/config';
import { envelopeFromLine, isSpamHeader, notScannedStatus, shouldReject, spamHeaders, STATUS_HEADER } from './lib/headers';
import { scanWithSpamd, type SpamVerdict } from './lib/spamc';

export type SpamPlugin = HarakaPlugin & { mailSpam?: SpamConfig };
type EditableTransaction = Transaction & TransactionHeaders;

export function register(this: SpamPlugin): void {
  watchPluginConfig(this, CONFIG_FILE, parseSpamConfig, (config) => {
    this.mailSpam = config;
  });
}

function configOf(plugin: SpamPlugin): SpamConfig {
  if (!plugin.mailSpam) throw new Error('mail-spam: configuration not loaded');
  return plugin.mailSpam;
}

function stripSpamHeaders(transaction: EditableTransaction): void {
  for (const name of Object.keys(transaction.header.headers).filter(isSpamHeader)) transaction.remove_header(name);
}

function messageOf(transaction: EditableTransaction): Promise<Buffer> {
  return new Promise((resolve) => transaction.message_stream.get_data(resolve));
}

function markNotScanned(plugin: SpamPlugin, connection: Connection, transaction: EditableTransaction, reason: string): HookAnswer {
  transaction.add_header(STATUS_HEADER, notScannedStatus(reason));
  connection.results.add(plugin, { err: `not scanned: ${reason}` });
  connection.logwarn(plugin, `message not scanned: ${reason}`);
  return CONTINUE;
}

function applyVerdict(plugin: SpamPlugin, connection: Connection, transaction: EditableTransaction, verdict: SpamVerdict): HookAnswer {
  const summary = { score: verdict.score, required: verdict.required, spam: verdict.isSpam, tests: verdict.tests.join(',') };
  connection.loginfo(plugin, 'scanned', summary);
  if (shouldReject(verdict.score, configOf(plugin).rejectThreshold)) {
    connection.results.add(plugin, { fail: `reject score=${verdict.score}` });
    // RFC 3463 §3.8 X.7.1: delivery not authorized, message refused.
    return { code: HookCode.DENY, message: new DSN(550, `5.7.1 Message refused as spam (score ${verdict.score.toFixed(1)})`) };
  }
  for (const [name, value] of spamHeaders(verdict)) transaction.add_header(name, value);
  connection.results.add(plugin, verdict.isSpam ? { fail: `spam score=${verdict.score}` } : { pass: `ham score=${verdict.score}` });
  return CONTINUE;
}

/**
 * data_post: the whole message is in. Authenticated submissions (`relaying`) are the
 * users' own mail and are not scanned.
 */
export const hook_data_post = guardHook('data_post', async (plugin: SpamPlugin, connection: Connection): Promise<HookAnswer> => {
  const transaction = connection.transaction as EditableTransaction | null;
  if (!transaction || connection.relaying) return CONTINUE;
  const config = configOf(plugin);
  stripSpamHeaders(transaction);
  if (transaction.data_bytes > config.maxSize) {
    return markNotScanned(plugin, connection, transaction, `message larger than ${config.maxSize} bytes`);
  }
  const message = Buffer.concat([Buffer.from(envelopeFromLine(transaction.mail_from.address ?? '')), await messageOf(transaction)]);
  let verdict: SpamVerdict;
  try {
    verdict = await scanWithSpamd(config.spamd, message);
  } catch (err) {
    return markNotScanned(plugin, connection, transaction, `spamd unavailable: ${(err as Error).message}`);
  }
  return applyVerdict(plugin, connection, transaction, verdict);
});
