# Rendered by the orchestrator from dovecot-templates/sieve/spam-before.sieve.hbs.
# Runs at delivery (LMTP) before each user's own script (sieve_before). Into Spam goes:
# - spam as spamd judged it (X-Spam-Flag: YES, added by haraka-plugin-mail-spam after
#   dropping any incoming X-Spam-*), unless the sender is on the server's allow list
#   (USER_IN_WELCOMELIST in X-Spam-Status: allowed senders skip the Spam folder);
# - mail whose DMARC policy says quarantine (X-Mailserver-Quarantine, added by the
#   inbound checks after dropping any incoming X-Mailserver-*), allowed sender or not:
#   the allow list matches From:, which is exactly what a DMARC failure puts in doubt.
# `stop` keeps the user's own filters (forwards, vacation replies) away from spam.
require ["fileinto", "mailbox"];
if anyof (allof (header :is "X-Spam-Flag" "YES",
                 not header :contains "X-Spam-Status" "USER_IN_WELCOMELIST"),
          exists "X-Mailserver-Quarantine") {
  fileinto :create "Spam";
  stop;
}
