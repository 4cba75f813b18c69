/**
 * haraka-plugin-mail-outbound: the outbound queue's control socket (`mailctl queue
 * flush|rm`, see control-server.ts) and the scope of DKIM signing (lib/dkim-scope.ts).
 * Only Haraka glue lives here.
 */
import fs from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import {
  CONTINUE,
  guardHook,
  isInternalSubmission,
  watchPluginConfig,
  type Connection,
  type HarakaPlugin,
  type HookAnswer,
  type OutboundQueue,
  type Transaction,
} from '@mail/haraka-common';
import { startControlServer } from './control-server';
import { CONFIG_FILE, parseOutboundConfig, type OutboundConfig } from './lib/config';
import { dkimScope, keyDomainCandidates, signingDomain } from './lib/dkim-scope';

interface OutboundState {
  config: OutboundConfig;
  server?: net.Server;
}

export type OutboundPlugin = HarakaPlugin & { mailOutbound?: OutboundState };

/** haraka-plugin-dkim's own switch: it skips a transaction with this note set. */
const DKIM_SKIP_NOTE = 'dkim_signed';

function stateOf(plugin: OutboundPlugin): OutboundState {
  if (!plugin.mailOutbound) throw new Error('mail-outbound: configuration not loaded');
  return plugin.mailOutbound;
}

export function register(this: OutboundPlugin): void {
  watchPluginConfig(this, CONFIG_FILE, parseOutboundConfig, (config) => {
    // The socket path is read once, at start; a change takes effect on restart.
    this.mailOutbound = { ...this.mailOutbound, config };
  });
  // haraka-plugin-dkim signs on queue_outbound (submitted mail) and on
  // pre_send_trans_email (everything entering the outbound queue: forwards, bounces,
  // copies); this runs before it (priority 0) on both.
  this.register_hook('queue_outbound', 'scope_dkim_signing', -100);
  this.register_hook('pre_send_trans_email', 'scope_dkim_signing', -100);
}

/**
 * The socket is an administration aid: if it cannot be opened, mail still flows and
 * `mailctl queue flush|rm` reports that Haraka does not answer.
 */
const openControlSocket = async (plugin: OutboundPlugin): Promise<HookAnswer> => {
  const state = stateOf(plugin);
  const socketPath = state.config.controlSocket;
  if (state.server || socketPath === '') return CONTINUE;
  const outbound = plugin.haraka_require('outbound') as OutboundQueue;
  try {
    fs.mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o755 });
    state.server = await startControlServer(socketPath, outbound, (m) => plugin.loginfo(m));
    plugin.loginfo(`queue control socket at ${socketPath}`);
  } catch (err) {
    plugin.logerror(`no queue control socket at ${socketPath}: ${(err as Error).message}`);
  }
  return CONTINUE;
};
export const hook_init_master = guardHook('init_master', openControlSocket);
export const hook_init_child = guardHook('init_child', openControlSocket);

export function shutdown(this: OutboundPlugin): void {
  this.mailOutbound?.server?.close();
}

/** The directory haraka-plugin-dkim reads keys from (`<haraka dir>/config/dkim/<domain>/`). */
function hasDkimKey(domain: string): boolean {
  const root = path.resolve(process.env['HARAKA'] ?? '.', 'config', 'dkim');
  return keyDomainCandidates(domain).some((d) => fs.existsSync(path.join(root, d, 'private')));
}

function fromHeaderOf(transaction: Transaction): string | undefined {
  const header = (transaction as Transaction & { header?: { get(name: string): string } }).header;
  return header?.get('From');
}

/**
 * On pre_send_trans_email `connection` is outbound's stand-in `{ transaction }`: no
 * session, so never authenticated — a message already signed on queue_outbound
 * carries its signature (and the skip note) with it.
 */
export const scope_dkim_signing = guardHook(
  'dkim_scope',
  async (plugin: OutboundPlugin, connection: Partial<Connection>): Promise<HookAnswer> => {
    const transaction = connection.transaction;
    if (!transaction || transaction.notes[DKIM_SKIP_NOTE] === true) return CONTINUE;
    const internal = connection.notes !== undefined && isInternalSubmission({ notes: connection.notes });
    const senderDomain = signingDomain({
      envelopeDomain: transaction.mail_from.host ?? '',
      fromHeader: internal ? fromHeaderOf(transaction) : undefined,
    });
    const scope = dkimScope({
      authenticated: connection.relaying === true && typeof connection.notes?.['auth_user'] === 'string',
      senderDomain,
      keyFound: senderDomain !== '' && hasDkimKey(senderDomain),
    });
    if (!scope.sign) {
      transaction.notes[DKIM_SKIP_NOTE] = true;
      transaction.results.add(plugin, { skip: `dkim: ${scope.reason}` });
    }
    return CONTINUE;
  },
);
