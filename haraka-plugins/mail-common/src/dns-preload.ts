/**
 * Loaded with `node --require <this file>` (the supervisor sets NODE_OPTIONS for
 * Haraka when MAIL_DNS_SERVERS / config `dnsServers` or `dnsTimeoutMs` is set): before
 * Haraka or any plugin requires `node:dns`, every lookup is pinned to those servers
 * and every Resolver's timeout capped (MAIL_DNS_TIMEOUT_MS). Unset or
 * empty: nothing changes and the system resolver is used. See dns-servers.ts.
 */
import dns from 'node:dns';
import { parseDnsServers, parseDnsTimeout, pinDnsServers } from './dns-servers';

pinDnsServers(dns, parseDnsServers(process.env['MAIL_DNS_SERVERS']), parseDnsTimeout(process.env['MAIL_DNS_TIMEOUT_MS']));
