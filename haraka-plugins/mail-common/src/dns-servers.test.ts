import dns from 'node:dns';
import { cappedOptions, parseDnsServers, parseDnsTimeout, pinDnsServers } from './dns-servers';

describe('parseDnsServers', () => {
  it('splits a comma-separated list, dropping blanks', () => {
    expect(parseDnsServers(' 127.0.0.1:5353, [::1]:53,,10.0.0.1 ')).toEqual(['127.0.0.1:5353', '[::1]:53', '10.0.0.1']);
    expect(parseDnsServers('')).toEqual([]);
    expect(parseDnsServers(undefined)).toEqual([]);
  });
});

describe('pinDnsServers', () => {
  // A copy of the module's surface, so this process's own resolver stays untouched.
  const fakeModule = (): typeof dns => {
    const promises = { ...dns.promises, setServers: jest.fn(), Resolver: dns.promises.Resolver };
    return { ...dns, setServers: jest.fn(), Resolver: dns.Resolver, promises } as unknown as typeof dns;
  };

  it('sets the module servers and makes every new Resolver start with them', () => {
    const target = fakeModule();
    pinDnsServers(target, ['127.0.0.1:5353']);
    expect(target.setServers).toHaveBeenCalledWith(['127.0.0.1:5353']);
    expect(target.promises.setServers).toHaveBeenCalledWith(['127.0.0.1:5353']);
    expect(new target.Resolver().getServers()).toEqual(['127.0.0.1:5353']);
    expect(new target.promises.Resolver({ timeout: 100 }).getServers()).toEqual(['127.0.0.1:5353']);
    expect(new target.Resolver()).toBeInstanceOf(dns.Resolver);
  });

  it('replaces, not stacks, when pinned twice', () => {
    const target = fakeModule();
    pinDnsServers(target, ['127.0.0.1:5353']);
    pinDnsServers(target, ['127.0.0.2:53']);
    expect(new target.Resolver().getServers()).toEqual(['127.0.0.2']);
    expect(Object.getPrototypeOf(target.Resolver)).toBe(dns.Resolver);
  });

  it('does nothing without servers', () => {
    const target = fakeModule();
    pinDnsServers(target, []);
    expect(target.setServers).not.toHaveBeenCalled();
    expect(target.Resolver).toBe(dns.Resolver);
  });
});

describe('DNS timeout cap (MAIL_DNS_TIMEOUT_MS)', () => {
  it('parses only positive integers', () => {
    expect(parseDnsTimeout('1500')).toBe(1500);
    expect(parseDnsTimeout(' 200 ')).toBe(200);
    expect(parseDnsTimeout(undefined)).toBeUndefined();
    expect(parseDnsTimeout('0')).toBeUndefined();
    expect(parseDnsTimeout('5s')).toBeUndefined();
  });

  it('caps a larger or absent timeout and keeps a smaller one and the other options', () => {
    expect(cappedOptions({ timeout: 25000, tries: 1 }, 1000)).toEqual({ timeout: 1000, tries: 1 });
    expect(cappedOptions(undefined, 1000)).toEqual({ timeout: 1000 });
    expect(cappedOptions({ timeout: -1 }, 1000)).toEqual({ timeout: 1000 });
    expect(cappedOptions({ timeout: 300 }, 1000)).toEqual({ timeout: 300 });
    expect(cappedOptions({ timeout: 25000 }, undefined)).toEqual({ timeout: 25000 });
  });
});
