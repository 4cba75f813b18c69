import { mailboxNameError, passwordError, usernameError } from './names';

describe('mailboxNameError', () => {
  it.each(['alice', 'first.last', 'a-b', 'A1', 'x'.repeat(200), 'postmaster'])('accepts %s', (name) => {
    expect(mailboxNameError(name, 'user')).toBeUndefined();
  });
  it.each([
    ['', /empty/],
    ['a+b', /'\+'/],
    ['bad_name', /only letters/],
    ['sp ace', /only letters/],
    ['x'.repeat(201), /200/],
    ['.lead', /start or end/],
    ['trail.', /start or end/],
    ['dou..ble', /'\.\.'/],
    ['mailer-daemon', /reserved/],
    ['shop.app', /reserved for apps/],
    ['Shop.APP', /reserved for apps/],
  ])('refuses %j', (name, message) => {
    expect(mailboxNameError(name, 'user')).toMatch(message);
  });
  it('lets apps own .app names', () => {
    expect(mailboxNameError('shop.app', 'app')).toBeUndefined();
    expect(mailboxNameError('shop.app', 'group')).toMatch(/apps/);
  });
});

describe('usernameError / passwordError', () => {
  it('checks user names', () => {
    expect(usernameError('alice')).toBeUndefined();
    expect(usernameError('Alice')).toBeDefined();
    expect(usernameError('-x')).toBeDefined();
  });
  it('checks passwords', () => {
    expect(passwordError('short')).toMatch(/8/);
    expect(passwordError('long enough')).toBeUndefined();
  });
});
