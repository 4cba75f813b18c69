/**
 * The outside world for outbound tests: a loopback DNS server holding the test zones,
 * a loopback SMTP server as remote.test's MX, and the real stack using both (outbound
 * may deliver to a loopback MX: MAIL_OUTBOUND_LOCAL_MX_OK). The fixture directory is
 * populated and acme.test's DKIM key is published, as `mailctl domain add` would.
 */
import { dataPaths } from '@mail/orchestrator';
import { dkimRecord, ensureDomainKey } from '../../orchestrator/src/dkim/keys';
import { TestDnsServer, type TestRecord } from './dns-server';
import { populate } from './fixtures';
import { RemoteMx } from './remote-mx';
import { startTestStack, type TestStack } from './stack';

export interface World {
  dns: TestDnsServer;
  mx: RemoteMx;
  t: TestStack;
  stop(): Promise<void>;
}

/** `domains`: more domains whose MX is the remote MX (remote.test always is). */
export async function startWorld(options: { domains?: string[]; records?: TestRecord[] } = {}): Promise<World> {
  const dns = await TestDnsServer.start();
  const mx = await RemoteMx.start();
  const t = await startTestStack({ dnsServers: [dns.address] }, { MAIL_OUTBOUND_LOCAL_MX_OK: '1' });
  await populate(t.services);
  const dkim = dkimRecord(ensureDomainKey(dataPaths(t.dataDir), 'acme.test'));
  dns.setRecords([
    ...['remote.test', ...(options.domains ?? [])].map((name) => ({ type: 'MX' as const, name, exchange: 'mx.remote.test', priority: 10 })),
    { type: 'A', name: 'mx.remote.test', address: mx.address },
    { type: 'TXT', name: dkim.name, text: dkim.value },
    ...(options.records ?? []),
  ]);
  return {
    dns,
    mx,
    t,
    async stop() {
      await t.stop();
      await mx.stop();
      await dns.stop();
    },
  };
}
