/**
 * Render values for the security settings (README "Security"), shared by the Haraka and
 * Dovecot templates so both sides of every TLS port follow one policy.
 */
import crypto from 'node:crypto';
import { DEFAULT_AUTH_LIMITS, type Settings, type TlsVersion } from '../config/settings';

export interface TlsPolicy {
  /** Node's and Dovecot's spelling agree: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3. */
  minVersion: TlsVersion;
  /**
   * OpenSSL 3 allows TLS 1.0/1.1 only at security level 0 (their handshakes sign with
   * SHA-1/MD5), so widening the version also has to lower the level; unset otherwise.
   */
  legacyCiphers: string | undefined;
}

export function tlsPolicy(settings: Settings): TlsPolicy {
  const minVersion = settings.tlsMinVersion ?? 'TLSv1.2';
  const legacy = minVersion === 'TLSv1' || minVersion === 'TLSv1.1';
  return { minVersion, legacyCiphers: legacy ? 'DEFAULT:@SECLEVEL=0' : undefined };
}

/** Dovecot's auth policy client: the limiter's URL in the LDAP bridge. */
export function authPolicyUrl(settings: Settings): string {
  return `http://127.0.0.1:${settings.ports.authPolicy}/`;
}

/**
 * Dovecot refuses a policy server without auth_policy_hash_nonce (it salts the password
 * hash it could send; our request attributes leave the hash out). Derived from the
 * service secret so it is stable per installation and never the same twice.
 */
export function authPolicyNonce(servicePassword: string): string {
  return crypto.createHmac('sha256', servicePassword).update('dovecot-auth-policy-nonce').digest('hex').slice(0, 32);
}

export function authLimits(settings: Settings): typeof DEFAULT_AUTH_LIMITS {
  return settings.authLimits ?? DEFAULT_AUTH_LIMITS;
}
