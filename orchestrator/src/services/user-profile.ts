/**
 * A user's profile (the API's `email` and `displayName`, as Cloudron's): contact
 * details only; logins and mail routing never use them.
 */
import { parseAddress } from '@mail/core';
import type { UserProfile } from '../store';
import { invalid, notFound } from './errors';
import type { MailServices } from './mail-services';

export const MAX_DISPLAY_NAME = 200;

export function checkProfile(profile: Partial<UserProfile>): void {
  const { email, displayName } = profile;
  if (email !== undefined && email !== null && !parseAddress(email)) throw invalid(`'${email}' is not a valid email address`);
  if (displayName !== undefined && displayName !== null) {
    // eslint-disable-next-line no-control-regex
    if (displayName.length > MAX_DISPLAY_NAME || /[\u0000-\u001f\u007f]/.test(displayName)) {
      throw invalid(`the display name must be at most ${MAX_DISPLAY_NAME} characters without control characters`);
    }
  }
}

/** Changes the given fields (null clears one), keeps the others. */
export async function setUserProfile(services: MailServices, username: string, patch: Partial<UserProfile>): Promise<UserProfile> {
  checkProfile(patch);
  const user = await services.store.getUser(username);
  if (!user) throw notFound(`user ${username} does not exist`);
  const profile = {
    email: patch.email === undefined ? user.email : (patch.email?.trim().toLowerCase() || null),
    displayName: patch.displayName === undefined ? user.displayName : (patch.displayName?.trim() || null),
  };
  await services.store.setUserProfile(username, profile);
  return profile;
}

/** Adds a user with a profile: everything is checked before anything is written. */
export async function addUserWithProfile(
  services: MailServices,
  input: { username: string; password: string } & Partial<UserProfile>,
): Promise<void> {
  checkProfile(input);
  await services.addUser(input.username, input.password);
  if (input.email != null || input.displayName != null) {
    await setUserProfile(services, input.username, { email: input.email ?? null, displayName: input.displayName ?? null });
  }
}
