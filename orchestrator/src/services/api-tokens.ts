/**
 * REST API bearer tokens. A token is `mt_<id>_<secret>`: 256 random bits of secret,
 * of which only the SHA-256 is stored (like a password, but with so much entropy that
 * a slow hash adds nothing). The id names the token in listings and `token rm`.
 * Roles: `admin` manages the directory and the domains; `superadmin` also the
 * server-wide settings (and, later, the event log).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { ApiRole, ApiTokenRow, Store } from '../store';
import { conflict, invalid, notFound } from './errors';

export const API_ROLES: readonly ApiRole[] = ['admin', 'superadmin'];

/** The token written to `secrets/api-admin.token` at first start. */
export const FIRST_TOKEN_NAME = 'admin';

export type TokenView = Omit<ApiTokenRow, 'tokenHash'>;

const TOKEN_PATTERN = /^mt_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

function newToken(): { id: string; token: string } {
  const id = crypto.randomBytes(8).toString('hex');
  return { id, token: `mt_${id}_${crypto.randomBytes(32).toString('base64url')}` };
}

const view = ({ tokenHash: _hidden, ...rest }: ApiTokenRow): TokenView => rest;

export class TokenServices {
  constructor(private readonly store: Store) {}

  /** Creates a token; the secret is returned only here. */
  async add(name: string, role: ApiRole): Promise<{ token: string; info: TokenView }> {
    // The first token's name marks the row ensureFirstToken may replace.
    if (name === FIRST_TOKEN_NAME) throw conflict(`the token name ${FIRST_TOKEN_NAME} is reserved for the first token`);
    return this.create(name, role);
  }

  private async create(name: string, role: ApiRole): Promise<{ token: string; info: TokenView }> {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw invalid(`token name '${name}' must be 1-64 of [A-Za-z0-9._-]`);
    if (!API_ROLES.includes(role)) throw invalid(`role must be one of ${API_ROLES.join(', ')}`);
    if ((await this.store.listApiTokens()).some((t) => t.name === name)) throw conflict(`a token named ${name} exists`);
    const { id, token } = newToken();
    await this.store.addApiToken({ id, name, role, tokenHash: hashToken(token) });
    return { token, info: await this.get(id) };
  }

  async list(): Promise<TokenView[]> {
    return (await this.store.listApiTokens()).map(view);
  }

  async get(idOrName: string): Promise<TokenView> {
    const found = (await this.store.listApiTokens()).find((t) => t.id === idOrName || t.name === idOrName);
    if (!found) throw notFound(`token ${idOrName} does not exist`);
    return view(found);
  }

  async remove(idOrName: string): Promise<void> {
    if (!(await this.store.removeApiToken(idOrName))) throw notFound(`token ${idOrName} does not exist`);
  }

  /** The token's row when the presented secret is one of ours; undefined otherwise. */
  async verify(presented: string): Promise<TokenView | undefined> {
    if (!TOKEN_PATTERN.test(presented)) return undefined;
    const row = await this.store.getApiTokenByHash(hashToken(presented));
    return row && view(row);
  }

  /**
   * At start: the first token (superadmin) lives in `file` (0600) so that
   * `mailctl token show` can print it. Created when missing; registered again if its
   * row was removed, so the file always opens the API unless it is deleted.
   */
  async ensureFirstToken(file: string): Promise<string> {
    const existing = readTokenFile(file);
    if (existing && (await this.verify(existing))) return existing;
    if (existing) {
      // The row was removed (`token rm admin`): the file's secret is revoked for good; make a new one.
      fs.rmSync(file, { force: true });
    }
    await this.store.removeApiToken(FIRST_TOKEN_NAME);
    const { token } = await this.create(FIRST_TOKEN_NAME, 'superadmin');
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  }
}

export function readTokenFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
