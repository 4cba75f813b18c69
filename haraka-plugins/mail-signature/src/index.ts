/**
 * haraka-plugin-mail-signature: appends the sender domain's signature to mail that
 * authenticated clients submit (the MAIL FROM domain's `mailSignatureText` /
 * `mailSignatureHtml` from the LDAP bridge, read live for each message). Inbound mail
 * is never touched. The MIME work is Haraka's own: body filters registered before the
 * data arrives see each text part decoded and re-encode it (lib/signature.ts says
 * what is appended and where). Only Haraka glue lives here.
 */
import {
  directoryPlugin,
  CONTINUE,
  DIRECTORY_TEMPFAIL,
  DSN,
  guardHook,
  HookCode,
  type Connection,
  type DomainSignature,
  type HarakaPlugin,
  type HookAnswer,
  type Transaction,
} from '@mail/haraka-common';
import { CONFIG_FILE, parseSignatureConfig, type SignatureConfig } from './lib/config';
import { hasUnendedPart, UNENDED_MULTIPART } from './lib/mime-shape';
import { signHtmlPart, signTextPart, type SignResult } from './lib/signature';

/** Our transaction note (STYLE 2): whether this plugin's body filters are on. */
const FILTERS_NOTE = 'mail_signature_filters';

export type SignaturePlugin = HarakaPlugin;

const signature = directoryPlugin({ name: 'mail-signature', configFile: CONFIG_FILE, parse: parseSignatureConfig });
const stateOf = signature.stateOf;
export const { hook_init_master, hook_init_child, shutdown } = signature;

export function register(this: SignaturePlugin): void {
  signature.watch(this);
}

/** Registers one filter per signed part type; outcomes are counted in the results. */
function addFilters(plugin: SignaturePlugin, connection: Connection, transaction: Transaction, signature: DomainSignature): void {
  const record = (kind: string, result: SignResult): Buffer => {
    const label = `${kind}:${result.outcome}`;
    connection.results.add(plugin, result.outcome === 'signed' || result.outcome === 'empty' ? { pass: label } : { skip: label });
    return result.body;
  };
  const { text, html } = signature;
  transaction.notes[FILTERS_NOTE] = true;
  if (text !== null) {
    transaction.add_body_filter(/^text\/plain\b/, (_ct, charset, body) => record('text', signTextPart(body, charset, text)));
  }
  if (html !== null) {
    transaction.add_body_filter(/^text\/html\b/, (_ct, charset, body) => record('html', signHtmlPart(body, charset, html)));
  }
}

/**
 * DATA (before the 354, so the filters see every line): only authenticated
 * submissions (`relaying`, set by AUTH) are signed, with the signature of the
 * envelope sender's domain. A bridge that cannot answer → 451, not unsigned mail.
 */
export const hook_data = guardHook(
  'data',
  async (plugin: SignaturePlugin, connection: Connection): Promise<HookAnswer> => {
    const transaction = connection.transaction;
    const domain = transaction?.mail_from.host ?? '';
    if (!transaction || !connection.relaying || domain === '') return CONTINUE;
    let signature: DomainSignature | undefined;
    try {
      signature = await stateOf(plugin).directory.get().domainSignature(domain);
    } catch (err) {
      connection.results.add(plugin, { err: `signature lookup failed for ${domain}: ${(err as Error).message}` });
      return DIRECTORY_TEMPFAIL;
    }
    if (!signature || (signature.text === null && signature.html === null)) return CONTINUE;
    addFilters(plugin, connection, transaction, signature);
    connection.loginfo(plugin, 'signing', { domain, text: signature.text !== null, html: signature.html !== null });
    return CONTINUE;
  },
);

/**
 * DATA done: a multipart left open would have lost its last part's text to the body
 * filters (lib/mime-shape): refuse it (554) rather than store it cut short after a 250.
 */
export const hook_data_post = guardHook(
  'data_post',
  async (plugin: SignaturePlugin, connection: Connection): Promise<HookAnswer> => {
    const transaction = connection.transaction;
    if (transaction?.notes[FILTERS_NOTE] !== true || !hasUnendedPart(transaction.body)) return CONTINUE;
    connection.results.add(plugin, { fail: 'mime:unended-multipart' });
    return { code: HookCode.DENY, message: new DSN(554, UNENDED_MULTIPART) };
  },
);
