/**
 * Hand-written types for the parts of Haraka 3.3 our plugins touch. Haraka ships no
 * typings; this is the one place that describes its objects, so a Haraka upgrade is
 * checked here and nowhere else. Only what we use is declared.
 */
import type { Readable, Writable } from 'node:stream';

/** Hook return codes (haraka-constants; stable since Haraka 2). */
export const HookCode = {
  CONT: 900,
  STOP: 901,
  DENY: 902,
  DENYSOFT: 903,
  DENYDISCONNECT: 904,
  DISCONNECT: 905,
  OK: 906,
  NEXT_HOOK: 907,
  DELAY: 908,
  DENYSOFTDISCONNECT: 909,
} as const;
export type HookCode = (typeof HookCode)[keyof typeof HookCode];

/**
 * An SMTP reply with its own code. Haraka's `connection.respond()` recognises a reply
 * object by its class name `DSN` and then answers with `code` and `reply` instead of
 * the hook's default code (e.g. 530 on MAIL instead of 550). Queue hooks ignore the
 * code and keep only the text.
 */
export class DSN {
  /** `reply` is the text after the code, enhanced status first (RFC 3463), e.g. "5.7.0 Authentication required". */
  constructor(
    readonly code: number,
    readonly reply: string,
  ) {}

  toString(): string {
    return this.reply;
  }
}

export type HookMessage = string | DSN;

/** The callback every hook receives; call it exactly once. */
export type Next = (code?: HookCode, message?: HookMessage) => void;

/** `get_mx` answers with an MX instead of a message. */
export type GetMxNext = (code?: HookCode, mx?: MxAnswer) => void;

/** `@haraka/email-address` Address: an envelope path. */
export interface HarakaAddress {
  user: string;
  /** Lower-cased ASCII domain ('' for `<>` and bare `postmaster`). */
  host: string;
  original: string;
  /** `user@host` with the case the client sent. */
  readonly address: string;
  isNull(): boolean;
  format(): string;
}

/** ESMTP parameters of MAIL/RCPT, upper-cased names (RFC 5321 §4.1.2). */
export type EsmtpParams = Record<string, string | null>;

/** What `hook_mail` and `hook_rcpt` receive after the connection: `[path, params]`. */
export type MailParams = [HarakaAddress, EsmtpParams];
export type RcptParams = [HarakaAddress, EsmtpParams];

/** `haraka-notes`: a plain object with path helpers; we namespace our keys. */
export interface Notes {
  [key: string]: unknown;
}

export interface ResultStore {
  add(plugin: { name: string }, result: Record<string, unknown>): void;
  get(pluginName: string): Record<string, unknown> | undefined;
}

/** haraka-message-stream `pipe()` options (see its README). */
export interface MessageStreamPipeOptions {
  /** Output line endings; default CRLF. */
  line_endings?: '\r\n' | '\n';
  /** true (default): undo SMTP dot-stuffing so the consumer sees the message itself. */
  dot_stuffed?: boolean;
  /** Append the `.` terminator and keep the stored dot-stuffing. */
  ending_dot?: boolean;
  /** Whether to end the destination when the message is done (default true). */
  end?: boolean;
}

export interface MessageStream {
  pipe<T extends Writable>(destination: T, options?: MessageStreamPipeOptions): T;
}

/** haraka-email-message Header: the parsed header of the message being received. */
export interface MessageHeader {
  /** Every value of a field (unfolded, with its line end), in message order. */
  get_all(name: string): string[];
  /** Every line of the header as received ("Name: value\n", continuation lines separate). */
  readonly header_list?: string[];
}

export interface Transaction {
  uuid: string;
  header: MessageHeader;
  /** Appends a field (the message stream follows). */
  add_header(name: string, value: string): void;
  /** Prepends a field, as trace fields are (RFC 5322 §3.6.7). */
  add_leading_header(name: string, value: string): void;
  /** Removes every field of that name. */
  remove_header(name: string): void;
  mail_from: HarakaAddress;
  rcpt_to: HarakaAddress[];
  notes: Notes;
  results: ResultStore;
  message_stream: MessageStream;
  data_bytes: number;
  /**
   * Registers a MIME body filter (haraka-email-message): for each part whose
   * Content-Type matches, `filter` gets the part decoded from its transfer encoding
   * (still in `charset`) and returns the replacement, or undefined to keep it.
   * Turns on body parsing; must be called before the message data arrives.
   */
  add_body_filter(contentType: RegExp | string, filter: BodyFilter): void;
  /** The parsed MIME tree (haraka-email-message Body), once body parsing is on. */
  body?: MimeBodyNode | null;
}

/** The parts of haraka-email-message's Body that plugins read: parser state and children. */
export interface MimeBodyNode {
  /** 'headers', 'body', 'multipart_preamble', 'child' (inside a part), 'end', … */
  state?: string;
  children?: readonly MimeBodyNode[];
}

export type BodyFilter = (contentType: string, charset: string, body: Buffer) => Buffer | undefined;

export interface Connection {
  uuid: string;
  local: { ip: string | null; port: number | null; host: string };
  remote: { ip: string | null; port: number | null; host: string | null; is_private: boolean };
  hello: { host: string | null; verb: string | null };
  tls: { enabled: boolean };
  /** True once the client may relay (here: after a successful AUTH). */
  relaying: boolean;
  notes: Notes;
  results: ResultStore;
  transaction: Transaction | null;
  capabilities: string[];
  /**
   * Records one RFC 8601 `method=result` entry (when given) and returns the whole
   * Authentication-Results value Haraka will add: `<me>; entry; entry…`, '' if none.
   */
  auth_results(entry?: string): string;
  respond(code: number, message: string, callback?: () => void): void;
  logdebug(plugin: HarakaPlugin, message: string, data?: object): void;
  loginfo(plugin: HarakaPlugin, message: string, data?: object): void;
  lognotice(plugin: HarakaPlugin, message: string, data?: object): void;
  logwarn(plugin: HarakaPlugin, message: string, data?: object): void;
  logerror(plugin: HarakaPlugin, message: string, data?: object): void;
}

/** The outbound queue entry a `get_mx` hook receives. */
export interface HMailItem {
  todo: { domain: string; notes: Notes; mail_from: HarakaAddress; rcpt_to: HarakaAddress[] };
}

/** An MX answer from `get_mx`: `path` + `using_lmtp` means LMTP over a unix socket. */
export interface MxAnswer {
  priority: number;
  path?: string;
  using_lmtp?: boolean;
  exchange?: string;
  port?: number;
  /** The name sent in EHLO/LHLO. */
  bind_helo?: string;
  /** SMTP AUTH (RFC 4954) at this MX: Haraka's outbound logs in when the server offers AUTH. */
  auth_user?: string;
  auth_pass?: string;
}

export interface ConfigGetOptions {
  /** `+section.key` defaults to true, `-section.key` to false. */
  booleans?: string[];
}

export interface HarakaConfig {
  get(name: string, type: 'ini', options: ConfigGetOptions, onChange: () => void): IniFile;
  get(name: string, type: 'value'): string | null;
}

/** A parsed ini file: sections of string, number or boolean values. */
export type IniFile = Record<string, Record<string, unknown> | undefined>;

/** Haraka's outbound module (`plugin.haraka_require('outbound')`), only the entry we use. */
export interface Outbound {
  send_trans_email(transaction: Transaction, next: (code: HookCode, message?: string) => void): void;
}

/** One queue file's header, as outbound's `list_queue()` reads it (outbound/queue.js). */
export interface QueuedTodo {
  /** Transaction uuid + `.N`: stable while Haraka renames the file between attempts. */
  uuid: string;
  domain: string;
  /** The file name inside the queue directory, and its full path. */
  file: string;
  full_path: string;
}

/** outbound's timer queue of deferred entries, keyed by queue file name. */
export interface TempFailQueue {
  length(): number;
  /** Throws when no entry has that id (the message is not waiting: in flight, or gone). */
  discard(id: string): unknown;
}

/** The queue management part of the outbound module. */
export interface OutboundQueue {
  list_queue(): Promise<QueuedTodo[]>;
  temp_fail_queue: TempFailQueue;
  /** Entries to deliver now (bounded by outbound.ini concurrency_max). */
  delivery_queue: { push(item: unknown): void };
  /** A queue entry read back from its file (it loads itself before delivery). */
  HMailItem: new (filename: string, filePath: string) => unknown;
}

export interface HarakaPlugin {
  name: string;
  /** Seconds before Haraka gives up on a hook of this plugin and answers DENYSOFT. */
  timeout: number;
  config: HarakaConfig;
  /** Parent plugins loaded with `inherits()`, by name. */
  base: Record<string, Record<string, unknown>>;
  inherits(parent: string): void;
  register_hook(hook: string, method: string, priority?: number): void;
  haraka_require(module: string): unknown;
  logdebug(message: string, data?: object): void;
  loginfo(message: string, data?: object): void;
  logwarn(message: string, data?: object): void;
  logerror(message: string, data?: object): void;
  logcrit(message: string, data?: object): void;
}

/** Something a message can be read from more than once (a retry re-reads it). */
export type MessageSource = () => Readable;

/** Header editing on a transaction (Haraka transaction.js + haraka-email-message Header). */
export interface TransactionHeaders {
  header: {
    /** Lower-cased header name → values, as received. */
    headers: Record<string, string[] | undefined>;
    get_all(name: string): string[];
  };
  add_header(name: string, value: string): void;
  remove_header(name: string): void;
  message_stream: MessageStream & {
    /** The whole message (headers as edited so far), CRLF line endings. */
    get_data(callback: (data: Buffer) => void): void;
  };
}
