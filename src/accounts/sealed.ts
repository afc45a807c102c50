import { open, seal } from '../storage/secret-box.ts';

// TOTP keys must be read back to check codes: sealed at rest like webhook secrets
// (storage/secret-box.ts), under their own purpose key, bound to the user id so a sealed value
// copied onto another user's row does not open.

export const sealTotp = (vkycSecret: string, userId: string, plain: string) => seal(vkycSecret, 'vkyc:totp-secret-encryption', userId, plain);

/** Throws when tampered with, moved to another user, or sealed under another VKYC_SECRET. */
export const openTotp = (vkycSecret: string, userId: string, stored: string) => open(vkycSecret, 'vkyc:totp-secret-encryption', userId, stored, 'TOTP secret');
