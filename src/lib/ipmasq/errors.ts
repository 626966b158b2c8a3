/** Masquerade rules could not be installed, removed or listed (the backend's error is the cause). */
export class IpMasqError extends Error {
  override readonly name = 'IpMasqError';
}

/** CHECK found the masquerade rules of an attachment missing or different. */
export class IpMasqCheckError extends Error {
  override readonly name = 'IpMasqCheckError';
}
