import { authNote, internalLoginAllowed, isInternalSubmission, INTERNAL_SUBMITTER } from './internal-submitter';

const facts = { password: 's3cret-value', expected: 's3cret-value', remoteIp: '127.0.0.1', localIp: '127.0.0.1' };

it('accepts the right secret from this machine only', () => {
  expect(internalLoginAllowed(facts)).toBe(true);
  expect(internalLoginAllowed({ ...facts, remoteIp: '::1', localIp: '::1' })).toBe(true);
  expect(internalLoginAllowed({ ...facts, remoteIp: '203.0.113.9', localIp: '203.0.113.9' })).toBe(true);
  expect(internalLoginAllowed({ ...facts, remoteIp: '198.18.0.7', localIp: '203.0.113.9' })).toBe(false);
  expect(internalLoginAllowed({ ...facts, remoteIp: null })).toBe(false);
});

it('refuses a wrong or empty secret, and everything when none is configured', () => {
  expect(internalLoginAllowed({ ...facts, password: 's3cret-valuX' })).toBe(false);
  expect(internalLoginAllowed({ ...facts, password: '' })).toBe(false);
  expect(internalLoginAllowed({ ...facts, password: '', expected: '' })).toBe(false);
});

it('reads the AUTH note', () => {
  expect(isInternalSubmission({ notes: { mail_auth: { user: INTERNAL_SUBMITTER, internal: true } } })).toBe(true);
  expect(isInternalSubmission({ notes: { mail_auth: { user: 'alice@acme.test' } } })).toBe(false);
  expect(authNote({ notes: {} })).toBeUndefined();
});
