/**
 * Which parsed messages the signature's body filters would damage. With body filters
 * on, haraka-email-message holds each text part back until the part ends and emits
 * it (rewritten) then; a part ends only when its parent's next boundary arrives. In a
 * multipart that is never closed (no close delimiter, RFC 2046 §5.1.1; or a nested
 * multipart without a boundary parameter swallowing the rest) the last part never
 * ends, and its text — everything after its headers — silently disappears from the
 * stored message (found by test/fuzz.test.ts). Such a message is refused instead.
 * No Haraka imports.
 */
import type { MimeBodyNode } from '@mail/haraka-common';

/** True when some multipart in the tree is still inside a part at the end of DATA. */
export function hasUnendedPart(node: MimeBodyNode | null | undefined): boolean {
  if (!node) return false;
  if (node.state === 'child') return true;
  return (node.children ?? []).some((child) => hasUnendedPart(child));
}

/** RFC 2046 §5.1.1 / RFC 3463 5.6.0: a permanent fault of the message itself. */
export const UNENDED_MULTIPART = '5.6.0 Unterminated MIME multipart (RFC 2046 section 5.1.1): close every multipart and send again';
