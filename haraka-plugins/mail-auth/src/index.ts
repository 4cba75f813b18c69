/**
 * haraka-plugin-mail-auth: SMTP AUTH (RFC 4954) against the LDAP bridge's
 * `ou=sendmail` binds, on the submission ports only and only inside TLS; MAIL without
 * AUTH refused there; and the masquerade rule for authenticated senders. Built on
 * Haraka's auth/auth_base (the AUTH PLAIN/LOGIN exchanges). Only Haraka glue lives
 * here; the rules are in lib/.
 */
import { formatAddress, parseAddress } from '@mail/core';
import {
  directoryPlugin,
  AUTH_NOTE,
  authNote,
  callOnce,
  CONTINUE,
  DIRECTORY_TEMPFAIL,
  envelopeAddress,
  guardHook,
  HookCode,
  INTERNAL_SUBMITTER,
  internalLoginAllowed,
  isInternalSubmission,
  logHookError,
  settle,
  type Connection,
  type HarakaPlugin,
  type HookAnswer,
  type MailParams,
  type Next,
} from '@mail/haraka-common';
import { AUTH_METHODS, AUTH_REQUIRED, AUTH_TEMPFAIL, offersAuth, refuseAuthCommand, type SessionFacts } from './lib/auth-policy';
import { CONFIG_FILE, parseAuthConfig, type AuthConfig } from './lib/config';
import { askPolicy, LOCKED_OUT, reportOutcome, type PolicySubject } from './lib/login-policy';
import { declaredSizeTooBig, sizeReply, TOO_BIG, TOO_MANY_RECIPIENTS, tooManyRecipients, setSizeLimit } from './lib/message-limits';
import { answerForSender, describeDecision, judgeSender, type SenderDecision } from './lib/sender-check';

export type AuthPlugin = HarakaPlugin;

/** auth_base's verdict callback: valid, and optionally the reply to send. */
type PasswordVerdict = (valid: boolean, reply?: { code: number; message: string }) => void;
type AuthBaseHook = (this: AuthPlugin, next: Next, connection: Connection, params: string[]) => void;

const AUTH_BASE = 'auth/auth_base';

/** Tells auth_base not to keep the password in `connection.notes.auth_passwd`. */
export const blankout_password = true;

const auth = directoryPlugin({ name: 'mail-auth', configFile: CONFIG_FILE, parse: parseAuthConfig });
const stateOf = auth.stateOf;
export const { hook_init_master, hook_init_child, shutdown } = auth;

function authenticatedUser(connection: Connection): string | undefined {
  return authNote(connection)?.user;
}

function sessionFacts(plugin: AuthPlugin, connection: Connection): SessionFacts {
  const port = connection.local.port;
  return {
    submissionPort: port !== null && stateOf(plugin).config.submissionPorts.includes(port),
    tls: connection.tls.enabled,
    authenticated: authenticatedUser(connection) !== undefined,
    inTransaction: connection.transaction !== null && connection.transaction !== undefined,
  };
}

export function register(this: AuthPlugin): void {
  this.inherits(AUTH_BASE);
  auth.watch(this);
}

/** EHLO: `AUTH PLAIN LOGIN` on the submission ports inside TLS; a failure just hides AUTH. */
export const hook_capabilities = guardHook(
  'capabilities',
  async (plugin: AuthPlugin, connection: Connection): Promise<HookAnswer> => {
    setSizeLimit(connection.capabilities, stateOf(plugin).config.maxMessageBytes);
    if (offersAuth(sessionFacts(plugin, connection))) {
      connection.capabilities.push(`AUTH ${AUTH_METHODS.join(' ')}`);
      // auth_base accepts only the mechanisms listed in this (its own) note.
      connection.notes['allowed_auth_methods'] = [...AUTH_METHODS];
    }
    return CONTINUE;
  },
  CONTINUE,
);

/** AUTH: refused early where it must not run, else handed to auth_base. */
export function hook_unrecognized_command(this: AuthPlugin, next: Next, connection: Connection, params: string[]): void {
  const answer = callOnce(next, () => logHookError(this, connection, 'unrecognized_command: answered twice'));
  try {
    const isAuth = params[0]?.toUpperCase() === 'AUTH' && connection.notes['authenticating'] !== true;
    const refusal = isAuth ? refuseAuthCommand(sessionFacts(this, connection)) : undefined;
    if (refusal) {
      connection.results.add(this, { fail: `auth:refused:${refusal.code}` });
      connection.respond(refusal.code, refusal.text, () => answer(HookCode.OK));
      return;
    }
    const base = this.base[AUTH_BASE]?.['hook_unrecognized_command'] as AuthBaseHook | undefined;
    if (!base) throw new Error(`${AUTH_BASE} is not loaded`);
    base.call(this, answer, connection, params);
  } catch (err) {
    logHookError(this, connection, `unrecognized_command failed: ${(err as Error).message}`);
    answer(HookCode.DENYSOFT, '4.3.0 Temporary internal error');
  }
}

type LoginResult = 'pass' | 'fail' | 'locked';

async function verifyLogin(plugin: AuthPlugin, connection: Connection, user: string, password: string): Promise<LoginResult> {
  if (user === INTERNAL_SUBMITTER) return verifyInternalLogin(plugin, connection, password) ? 'pass' : 'fail';
  const parsed = parseAddress(user);
  const login = parsed ? formatAddress(parsed.local, parsed.domain) : user.slice(0, 256).toLowerCase();
  const subject: PolicySubject = { login, remote: connection.remote.ip ?? '' };
  if ((await consultLimiter(plugin, connection, subject)) === 'refuse') {
    connection.loginfo(plugin, 'auth', { user: login, result: 'locked-out' });
    return 'locked';
  }
  // Not an address: no mailbox can match, no need to ask (still counted as a failure).
  const valid = parsed ? await stateOf(plugin).directory.get().checkSendLogin(login, password) : false;
  if (valid) connection.notes[AUTH_NOTE] = { user: login };
  connection.loginfo(plugin, 'auth', { user: login, result: valid ? 'pass' : 'fail' });
  await reportToLimiter(plugin, connection, subject, valid);
  return valid ? 'pass' : 'fail';
}

/**
 * The shared limiter first (README "Security"): wait if it says so, stop if it refuses.
 * Unreachable, it does not block logins: it lives in the LDAP bridge, whose bind
 * decides the login anyway.
 */
async function consultLimiter(plugin: AuthPlugin, connection: Connection, subject: PolicySubject): Promise<'go' | 'refuse'> {
  const url = stateOf(plugin).config.authPolicyUrl;
  if (!url) return 'go';
  try {
    const answer = await askPolicy(url, subject);
    if (answer.action === 'refuse') return 'refuse';
    if (answer.action === 'delay') await new Promise((resolve) => setTimeout(resolve, answer.seconds * 1000));
  } catch (err) {
    connection.results.add(plugin, { err: `auth policy: ${(err as Error).message}` });
  }
  return 'go';
}

async function reportToLimiter(plugin: AuthPlugin, connection: Connection, subject: PolicySubject, success: boolean): Promise<void> {
  const url = stateOf(plugin).config.authPolicyUrl;
  if (!url) return;
  await reportOutcome(url, subject, success).catch((err: unknown) => {
    connection.results.add(plugin, { err: `auth policy report: ${(err as Error).message}` });
  });
}

/** Dovecot's Sieve mail (sieve-sendmail): the shared secret, from this machine only. */
function verifyInternalLogin(plugin: AuthPlugin, connection: Connection, password: string): boolean {
  const valid = internalLoginAllowed({
    password,
    expected: stateOf(plugin).config.internalPassword,
    remoteIp: connection.remote.ip,
    localIp: connection.local.ip,
  });
  if (valid) connection.notes[AUTH_NOTE] = { user: INTERNAL_SUBMITTER, internal: true };
  connection.loginfo(plugin, 'auth', { user: INTERNAL_SUBMITTER, result: valid ? 'pass' : 'fail' });
  return valid;
}

/**
 * Called by auth_base for PLAIN and LOGIN. A bridge that cannot answer is a
 * temporary failure (454), never "wrong password" (535).
 */
export function check_plain_passwd(
  this: AuthPlugin,
  connection: Connection,
  user: string,
  password: string,
  verdict: PasswordVerdict,
): void {
  settle(
    () => verifyLogin(this, connection, user, password),
    (result) => (result === 'locked' ? verdict(false, { ...LOCKED_OUT }) : verdict(result === 'pass')),
    (err) => {
      logHookError(this, connection, (err as Error).message);
      verdict(false, { code: AUTH_TEMPFAIL.code, message: AUTH_TEMPFAIL.text });
    },
    (err) => logHookError(this, connection, `auth_base failed on our verdict: ${(err as Error).message}`),
  );
}

/** MAIL: AUTH required on the submission ports; the sender checked for authenticated sessions. */
export const hook_mail = guardHook(
  'mail',
  async (plugin: AuthPlugin, connection: Connection, [from, params]: MailParams): Promise<HookAnswer> => {
    if (declaredSizeTooBig(params['SIZE'], stateOf(plugin).config.maxMessageBytes)) {
      connection.results.add(plugin, { fail: 'mail:size' });
      return { code: HookCode.DENY, message: TOO_BIG };
    }
    const user = authenticatedUser(connection);
    if (user === undefined) {
      if (!sessionFacts(plugin, connection).submissionPort) return CONTINUE;
      connection.results.add(plugin, { fail: 'mail:auth-required' });
      return { code: HookCode.DENY, message: AUTH_REQUIRED };
    }
    // Sieve redirects keep the original sender; vacation replies use <> (RFC 5230 §5.6).
    if (isInternalSubmission(connection)) {
      connection.results.add(plugin, { pass: 'mail:internal' });
      return CONTINUE;
    }
    const mailFrom = envelopeAddress(from);
    let decision: SenderDecision;
    try {
      decision = await judgeSender(mailFrom, user, stateOf(plugin).directory.get());
    } catch (err) {
      // Haraka logs a result's `err` at ERROR level, with the connection id.
      connection.results.add(plugin, { err: `sender lookup failed for ${user}: ${(err as Error).message}` });
      return DIRECTORY_TEMPFAIL;
    }
    const label = describeDecision(decision);
    connection.results.add(plugin, decision.allowed ? { pass: label } : { fail: label });
    connection.loginfo(plugin, 'sender', { user, from: mailFrom, verdict: label });
    return answerForSender(decision, mailFrom, user);
  },
);

/**
 * Every connection: Haraka's own oversize reply (550, at MAIL SIZE= and after DATA)
 * is answered as 552 5.3.4 instead (RFC 1870 §6.1; see lib/message-limits). Core
 * checks the size before any hook runs and ignores a hook's message there, so the
 * reply itself is the only place to correct it; the limit stays Haraka's.
 */
export function hook_connect_init(this: AuthPlugin, next: Next, connection: Connection): void {
  const respond = connection.respond.bind(connection);
  connection.respond = (code, message, callback) => {
    const reply = sizeReply(code, message);
    respond(reply.code, reply.message as string, callback);
  };
  next();
}

/** After DATA: a message above the live size limit gets 552 5.3.4 (RFC 1870 §6.3). */
export const hook_data_post = guardHook(
  'data_post',
  async (plugin: AuthPlugin, connection: Connection): Promise<HookAnswer> => {
    const bytes = connection.transaction?.data_bytes ?? 0;
    if (bytes <= stateOf(plugin).config.maxMessageBytes) return CONTINUE;
    connection.results.add(plugin, { fail: 'data:size' });
    return { code: HookCode.DENY, message: TOO_BIG };
  },
);

/** RCPT: the 501st recipient of one message gets 452 4.5.3 (RFC 5321 §4.5.3.1.10). */
export const hook_rcpt = guardHook(
  'rcpt',
  async (plugin: AuthPlugin, connection: Connection): Promise<HookAnswer> => {
    const count = connection.transaction?.rcpt_to.length ?? 0;
    if (!tooManyRecipients(count)) return CONTINUE;
    connection.results.add(plugin, { fail: 'rcpt:too-many-recipients' });
    return { code: HookCode.DENYSOFT, message: TOO_MANY_RECIPIENTS };
  },
);
