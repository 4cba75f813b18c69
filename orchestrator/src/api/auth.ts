/**
 * Bearer tokens (RFC 6750 §2.1). A missing or unknown token is 401 with a
 * `WWW-Authenticate: Bearer` challenge (RFC 6750 §3); a known token whose role is too
 * small for the route is 403.
 */
import type { ApiRole } from '../store';
import type { TokenServices, TokenView } from '../services';
import { ApiError } from './errors';

const RANK: Record<ApiRole, number> = { admin: 1, superadmin: 2 };

export async function authenticate(header: string | undefined, tokens: TokenServices): Promise<TokenView> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) throw new ApiError(401, 'unauthorized', 'an Authorization: Bearer <token> header is required');
  const token = await tokens.verify(match[1]);
  if (!token) throw new ApiError(401, 'unauthorized', 'the token is not valid');
  return token;
}

export function authorize(caller: TokenView, needed: ApiRole): void {
  if (RANK[caller.role] < RANK[needed]) {
    throw new ApiError(403, 'forbidden', `this needs the ${needed} role; the token has ${caller.role}`, { needed, role: caller.role });
  }
}
