/** A self-signed certificate for the TLS endpoints, made on first start (ACME comes later). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { DataPaths } from '../config/paths';

export function ensureSelfSignedCertificate(paths: DataPaths, hostname: string): boolean {
  if (fs.existsSync(paths.tlsCert) && fs.existsSync(paths.tlsKey)) return false;
  fs.mkdirSync(paths.tls, { recursive: true, mode: 0o700 });
  const keyTmp = `${paths.tlsKey}.tmp`;
  const certTmp = `${paths.tlsCert}.tmp`;
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '825',
     '-keyout', keyTmp, '-out', certTmp, '-subj', `/CN=${hostname}`, '-addext', `subjectAltName=DNS:${hostname}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  fs.chmodSync(keyTmp, 0o600);
  fs.renameSync(keyTmp, paths.tlsKey);
  fs.renameSync(certTmp, paths.tlsCert);
  return true;
}
