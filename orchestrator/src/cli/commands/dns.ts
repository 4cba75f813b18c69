/**
 * mailctl dns show DOMAIN — the DNS records to publish for a domain. For now the
 * DKIM key (RFC 6376 §3.6.2); MX, SPF and DMARC join the list later. Creates the
 * domain's key if it has none yet.
 */
import { dkimRecord, ensureDomainKey } from '../../dkim/keys';
import { CliError } from '../failure';
import { formatFields } from '../output';
import { arg, type Command } from './types';

export const dnsCommands: Command[] = [
  {
    noun: 'dns',
    verb: 'show',
    synopsis: 'DOMAIN',
    summary: 'the DNS records to publish (DKIM)',
    options: {},
    positionals: { min: 1, max: 1 },
    async run(ctx, args) {
      const domain = arg(args, 0).trim().toLowerCase();
      const known = (await ctx.services().listDomains()).some((d) => d.name === domain);
      if (!known) throw new CliError(`domain ${domain} does not exist`);
      const records = [dkimRecord(ensureDomainKey(ctx.paths, domain))];
      ctx.show({ domain, records }, () =>
        records.flatMap((r, i) => [
          ...(i > 0 ? [''] : []),
          ...formatFields([
            ['name', r.name],
            ['type', r.type],
            ['value', r.value],
          ]),
        ]),
      );
    },
  },
];
