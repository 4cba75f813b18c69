# Rendered by the orchestrator from dovecot-templates/sieve/spam-before.sieve.hbs.
# Runs at delivery (LMTP) before each user's own script (sieve_before). Spam as
# spamd judged it (X-Spam-Flag, added by haraka-plugin-mail-spam after stripping any
# incoming X-Spam-*), or mail whose DMARC policy says quarantine (X-Mailserver-Quarantine,
# added by the authchecks plugin after stripping any incoming X-Mailserver-*), goes to
# Spam; `stop` keeps the user's filters (forwards, vacation replies) away from it.
require ["fileinto", "mailbox"];
if anyof (header :is "X-Spam-Flag" "YES", exists "X-Mailserver-Quarantine") {
  fileinto :create "Spam";
  stop;
}
