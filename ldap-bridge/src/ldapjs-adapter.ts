/**
 * The only file that knows ldapjs. ldapjs 3.0.7 is decommissioned upstream, so the
 * rest of the bridge sees plain data (`protocol.ts`) and this small surface:
 * one bind handler, one search handler, DN parsing/formatting, listen and close.
 *
 * Handlers are mounted at the root DN ('') and the bridge routes by DN itself:
 * ldapjs compares DNs case-sensitively (`OU=recvmail` would miss a route mounted at
 * `ou=recvmail`), and binds to unknown DNs must answer invalidCredentials, not
 * noSuchObject.
 */
import type net from 'node:net';
import ldap from 'ldapjs';
import {
  LdapError,
  RESULT_CODES,
  type Connection,
  type DnPart,
  type FilterNode,
  type LdapHandlers,
  type LdapServer,
  type Scope,
  type SearchRequest,
} from './protocol';

// ---- the parts of ldapjs 3 we touch (its @types describe the 2.x API) ----

interface RawRdn {
  keys(): IterableIterator<string>;
  getValue(name: string): unknown;
}
interface RawDn {
  readonly length: number;
  rdnAt(index: number): RawRdn | undefined;
  toString(): string;
}
interface RawFilter {
  type: string;
  attribute?: string;
  value?: unknown;
  filters?: RawFilter[];
  filter?: RawFilter;
  initial?: string;
  any?: string[];
  final?: string;
}
interface RawRequest {
  connection: net.Socket;
  protocolOp: number;
  dn: unknown;
}
interface RawBindRequest extends RawRequest {
  credentials: unknown;
}
interface RawSearchRequest extends RawRequest {
  baseObject: RawDn;
  scope: number;
  filter: RawFilter;
  sizeLimit: number;
}
interface RawResponse {
  errorMessage: string;
  end(status?: number): void;
}
interface RawSearchResponse extends RawResponse {
  attributes: string[];
  send(entry: { dn: string; attributes: Record<string, string[]> }): void;
}
type Next = () => void;
type Handler<Req extends RawRequest = RawRequest, Res extends RawResponse = RawResponse> = (req: Req, res: Res, next: Next) => void;
type Mount = (dn: string, handler: Handler) => void;
interface RawServer {
  server: net.Server;
  on(event: 'error', listener: (err: Error) => void): void;
  bind(dn: string, handler: Handler<RawBindRequest>): void;
  search(dn: string, handler: Handler<RawSearchRequest, RawSearchResponse>): void;
  add: Mount;
  del: Mount;
  modify: Mount;
  modifyDN: Mount;
  compare: Mount;
  after(handler: Handler): void;
  listen(port: number, host: string, callback: () => void): void;
  address(): net.AddressInfo | string | null;
  close(callback: () => void): void;
}
const ldapjs = ldap as unknown as {
  createServer(): RawServer;
  parseDN(text: string): RawDn;
  DN: new (options: { rdns: unknown[] }) => RawDn;
  RDN: new (attributes: Record<string, string>) => unknown;
};

const BIND_REQUEST = 0x60;
const SCOPES: readonly Scope[] = ['base', 'one', 'sub'];

// ---- DNs ----

function toParts(dn: RawDn): DnPart[] | undefined {
  const parts: DnPart[] = [];
  for (let i = 0; i < dn.length; i++) {
    const rdn = dn.rdnAt(i);
    const types = rdn ? [...rdn.keys()] : [];
    const type = types[0];
    const value = type === undefined ? undefined : rdn?.getValue(type);
    // Multi-valued RDNs (`cn=a+uid=b`) and BER-encoded values name nothing in our tree.
    if (types.length !== 1 || type === undefined || typeof value !== 'string') return undefined;
    parts.push({ type: type.toLowerCase(), value });
  }
  return parts;
}

/** RFC 4514 string → parts; undefined when the text is not a DN we can read. */
export function parseDn(text: string): DnPart[] | undefined {
  try {
    return toParts(ldapjs.parseDN(text));
  } catch {
    return undefined;
  }
}

/** Parts → RFC 4514 string, escaping what needs it (`+`, `,`, leading `#`…). */
export function formatDn(parts: readonly DnPart[]): string {
  return new ldapjs.DN({ rdns: parts.map((p) => new ldapjs.RDN({ [p.type]: p.value })) }).toString();
}

// ---- filters ----

function text(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value ?? '');
}

const SIMPLE_KINDS: Record<string, 'equal' | 'approx' | 'greaterOrEqual' | 'lessOrEqual'> = {
  EqualityFilter: 'equal',
  ApproximateFilter: 'approx',
  GreaterThanEqualsFilter: 'greaterOrEqual',
  LessThanEqualsFilter: 'lessOrEqual',
};

function toFilterNode(filter: RawFilter): FilterNode {
  const attribute = filter.attribute ?? '';
  const simple = SIMPLE_KINDS[filter.type];
  if (simple) return { kind: simple, attribute, value: text(filter.value) };
  switch (filter.type) {
    case 'AndFilter':
      return { kind: 'and', children: (filter.filters ?? []).map(toFilterNode) };
    case 'OrFilter':
      return { kind: 'or', children: (filter.filters ?? []).map(toFilterNode) };
    case 'NotFilter':
      return filter.filter ? { kind: 'not', child: toFilterNode(filter.filter) } : { kind: 'unsupported' };
    case 'PresenceFilter':
      return { kind: 'present', attribute };
    case 'SubstringFilter':
      return { kind: 'substring', attribute, initial: filter.initial ?? '', any: filter.any ?? [], final: filter.final ?? '' };
    default:
      return { kind: 'unsupported' };
  }
}

// ---- the server ----

/** What the mounted handlers share: the app's handlers and per-connection state. */
interface ServerState<P> {
  handlers: LdapHandlers<P>;
  /** The identity of each connection's last successful bind. */
  principals: WeakMap<net.Socket, P>;
  connectionOf(socket: net.Socket): Connection;
}

function serverState<P>(handlers: LdapHandlers<P>): ServerState<P> {
  const connections = new WeakMap<net.Socket, Connection>();
  let lastId = 0;
  return {
    handlers,
    principals: new WeakMap(),
    connectionOf(socket) {
      let connection = connections.get(socket);
      if (!connection) {
        connection = { id: ++lastId, remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}` };
        connections.set(socket, connection);
      }
      return connection;
    },
  };
}

/** Runs `work`, answers success or its LdapError, and never lets a rejection escape. */
function answer<P>(state: ServerState<P>, operation: string, req: RawRequest, res: RawResponse, next: Next, work: () => Promise<void>): void {
  const connection = state.connectionOf(req.connection);
  const report = (err: unknown): void => state.handlers.internalError?.({ operation, connection }, err);
  void work()
    .then(
      () => res.end(0),
      (err: unknown) => {
        if (!(err instanceof LdapError)) report(err);
        const failure = err instanceof LdapError ? err : new LdapError('operationsError', 'internal error');
        res.errorMessage = failure.message;
        res.end(RESULT_CODES[failure.result]);
      },
    )
    .catch(report)
    .finally(next);
}

function mountBind<P>(server: RawServer, state: ServerState<P>): void {
  server.bind('', (req, res, next) =>
    answer(state, 'bind', req, res, next, async () => {
      // RFC 4511 §4.2.1: a failed bind leaves the connection anonymous.
      state.principals.delete(req.connection);
      const dnText = text(req.dn);
      const password = typeof req.credentials === 'string' ? req.credentials : '';
      const request = { connection: state.connectionOf(req.connection), dnText, dn: parseDn(dnText), password };
      state.principals.set(req.connection, await state.handlers.bind(request));
    }),
  );
  // ldapjs answers the anonymous bind (empty DN and password) itself; forget the old identity then.
  server.after((req) => {
    if (req.protocolOp === BIND_REQUEST && text(req.dn) === '') state.principals.delete(req.connection);
  });
}

function mountSearch<P>(server: RawServer, state: ServerState<P>): void {
  server.search('', (req, res, next) =>
    answer(state, 'search', req, res, next, async () => {
      // FACTS: ldapjs drops requested attributes whose case differs from the entry's.
      res.attributes = res.attributes.map((a) => a.toLowerCase());
      const request: SearchRequest<P> = {
        connection: state.connectionOf(req.connection),
        principal: state.principals.get(req.connection),
        baseText: req.baseObject.toString(),
        base: toParts(req.baseObject),
        scope: SCOPES[req.scope] ?? 'sub',
        filter: toFilterNode(req.filter),
        attributes: res.attributes.slice(),
        sizeLimit: req.sizeLimit,
      };
      let sent = 0;
      await state.handlers.search(request, (entry) => {
        // RFC 4511 §4.5.1.4: stop at the client's size limit and say so.
        if (request.sizeLimit > 0 && sent >= request.sizeLimit) throw new LdapError('sizeLimitExceeded');
        res.send({ dn: entry.dn, attributes: { ...entry.attributes } });
        sent++;
      });
    }),
  );
}

/** The directory is read-only: writes belong to the orchestrator's services. */
function mountReadOnly<P>(server: RawServer, state: ServerState<P>): void {
  const refuse: Handler = (req, res, next) =>
    answer(state, 'write', req, res, next, () => Promise.reject(new LdapError('unwillingToPerform', 'the directory is read-only')));
  for (const mount of [server.add, server.del, server.modify, server.modifyDN, server.compare]) mount.call(server, '', refuse);
}

export function createLdapServer<P>(handlers: LdapHandlers<P>): LdapServer {
  const server = ldapjs.createServer();
  const state = serverState(handlers);
  // ldapjs re-emits parser failures as 'error' events: unhandled, they would kill the process.
  server.on('error', (err) => handlers.internalError?.({ operation: 'server' }, err));
  const sockets = new Set<net.Socket>();
  server.server.on('connection', (socket: net.Socket) => {
    // ldapjs writes a search's entries and its SearchResultDone separately: with Nagle on,
    // the last small write waits for the client's delayed ACK, ~40 ms per lookup (measured:
    // 44 ms per route search, bench/README.md). Every RCPT and login pays each lookup.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  mountBind(server, state);
  mountSearch(server, state);
  mountReadOnly(server, state);
  return {
    listen: (port, host) => listen(server, port, host),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function listen(server: RawServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (err: Error): void => reject(err);
    server.server.once('error', failed);
    server.listen(port, host, () => {
      server.server.removeListener('error', failed);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
