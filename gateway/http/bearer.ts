const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i
/** Longest Authorization header read: a larger one is refused unread. */
export const MAX_AUTHORIZATION_LENGTH = 8192

/** The token of an RFC 6750 `Authorization: Bearer` header, or null when malformed or too long. */
export function readBearer(header: string | undefined): string | null {
  if (!header || header.length > MAX_AUTHORIZATION_LENGTH) return null
  return BEARER.exec(header)?.[1] ?? null
}
