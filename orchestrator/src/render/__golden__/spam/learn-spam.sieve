# Rendered by the orchestrator from dovecot-templates/sieve/learn-spam.sieve.hbs.
# imap_sieve: a message copied or moved INTO Spam is queued for learning as spam.
require ["vnd.dovecot.pipe", "copy", "imapsieve"];
pipe :copy "learn" ["spam"];
