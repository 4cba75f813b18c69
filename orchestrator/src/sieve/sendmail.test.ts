import { parseSendmailArgs } from './sendmail';

it('reads the arguments Dovecot passes', () => {
  expect(parseSendmailArgs(['-i', '-f', 'joe@sender.test', '--', 'a@x.test', 'b@y.test'])).toEqual({
    sender: 'joe@sender.test',
    recipients: ['a@x.test', 'b@y.test'],
  });
  expect(parseSendmailArgs(['-i', '-f', '<>', '--', 'pat@remote.test'])).toEqual({ sender: '', recipients: ['pat@remote.test'] });
  expect(parseSendmailArgs(['-fjoe@sender.test', 'a@x.test'])).toEqual({ sender: 'joe@sender.test', recipients: ['a@x.test'] });
});

it('refuses what it does not understand', () => {
  expect(() => parseSendmailArgs(['-t', '-f', 'a@x.test', 'b@x.test'])).toThrow(/unsupported option -t/);
  expect(() => parseSendmailArgs(['-i', '--', 'b@x.test'])).toThrow(/no sender/);
  expect(() => parseSendmailArgs(['-f', 'a@x.test', '--'])).toThrow(/no recipient/);
});
