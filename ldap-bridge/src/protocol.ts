/**
 * The protocol vocabulary the bridge speaks, independent of the LDAP library
 * underneath: plain data, and the server contract that `ldapjs-adapter.ts` implements
 * today (a replacement library implements the same `LdapServer`/`LdapHandlers`).
 */

/** One RDN of a DN: `type` lower-cased, `value` unescaped (RFC 4514 §3). */
export interface DnPart {
  type: string;
  value: string;
}

/** RFC 4511 §4.5.1.2: baseObject, singleLevel, wholeSubtree. */
export type Scope = 'base' | 'one' | 'sub';

/** A search filter (RFC 4511 §4.5.1.7) as a small tree the bridge can inspect. */
export type FilterNode =
  | { kind: 'and' | 'or'; children: FilterNode[] }
  | { kind: 'not'; child: FilterNode }
  | { kind: 'equal' | 'approx' | 'greaterOrEqual' | 'lessOrEqual'; attribute: string; value: string }
  | { kind: 'present'; attribute: string }
  | { kind: 'substring'; attribute: string; initial: string; any: string[]; final: string }
  /** Extensible matches and anything else we do not evaluate: Undefined (RFC 4511 §4.5.1.7). */
  | { kind: 'unsupported' };

/** A directory entry ready to send: attribute names as published, values as strings. */
export interface Entry {
  dn: string;
  attributes: Record<string, string[]>;
}

/** The result codes the bridge answers with (RFC 4511 Appendix A). */
export const RESULT_CODES = {
  operationsError: 1,
  sizeLimitExceeded: 4,
  noSuchObject: 32,
  invalidDnSyntax: 34,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
} as const;

export type ResultName = keyof typeof RESULT_CODES;

/** An LDAP error result: the handler's way to answer with something other than success. */
export class LdapError extends Error {
  constructor(
    readonly result: ResultName,
    message: string = result,
  ) {
    super(message);
    this.name = 'LdapError';
  }
}

// ---- the server contract ----

export interface Connection {
  /** Per-server counter, for logs. */
  readonly id: number;
  /** `address:port` of the client. */
  readonly remote: string;
}

export interface BindRequest {
  connection: Connection;
  /** The bind DN as sent. */
  dnText: string;
  /** The bind DN parsed; undefined when it is not a DN we can read (multi-valued RDN, bad syntax). */
  dn: DnPart[] | undefined;
  password: string;
}

export interface SearchRequest<P> {
  connection: Connection;
  /** What the connection's last successful bind returned; undefined = anonymous. */
  principal: P | undefined;
  baseText: string;
  base: DnPart[] | undefined;
  scope: Scope;
  filter: FilterNode;
  /** Requested attributes, lower-cased (empty = all user attributes). */
  attributes: string[];
  /** 0 = no limit requested. */
  sizeLimit: number;
}

export interface LdapHandlers<P> {
  /** Resolves with the principal to remember for the connection, or throws an LdapError. */
  bind(request: BindRequest): Promise<P>;
  /** Calls `send` per entry; throws an LdapError to answer a failure. */
  search(request: SearchRequest<P>, send: (entry: Entry) => void): Promise<void>;
  /** Anything that is not an LdapError (a bug, a lost socket); it was answered as operationsError. */
  internalError?(context: { operation: string; connection?: Connection }, error: unknown): void;
}

export interface LdapServer {
  /** Resolves with the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number>;
  /** Stops listening and drops every open connection (Dovecot and Haraka keep theirs open). */
  close(): Promise<void>;
}
