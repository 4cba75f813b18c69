# Rendered by the orchestrator from dovecot-templates/sieve/learn-ham.sieve.hbs.
# imap_sieve: a message copied or moved OUT of Spam is queued for learning as ham,
# except into Trash: deleting spam does not mean it was not spam.
require ["vnd.dovecot.pipe", "copy", "imapsieve", "environment", "variables"];
if environment :matches "imap.mailbox" "*" {
  set "mailbox" "${1}";
}
if string :is "${mailbox}" ["Trash", "Spam"] {
  stop;
}
pipe :copy "learn" ["ham"];
