/**
 * `fetch` that follows no redirect, the same on every runtime. `redirect: 'error'` would say it,
 * but workerd accepts only 'follow' and 'manual' and refuses the call outright; so the redirect is
 * taken as an answer and refused here, as 'error' refuses it: a TypeError, the body discarded.
 * A registry, a key set or a partner that redirects is never followed to another address.
 */
const REDIRECTS = new Set([301, 302, 303, 307, 308])

export class RedirectRefusedError extends TypeError {
  override name = 'RedirectRefusedError'
}

export async function fetchWithoutRedirects(doFetch: typeof fetch, input: string | URL, init: RequestInit = {}): Promise<Response> {
  const response = await doFetch(input, { ...init, redirect: 'manual' })
  // A browser's 'manual' answers an opaque redirect (status 0); Node and workerd the 3xx itself.
  if (response.type === 'opaqueredirect' || REDIRECTS.has(response.status)) {
    await response.body?.cancel().catch(() => undefined)
    throw new RedirectRefusedError(`${new URL(String(input)).origin} answered with a redirect (${response.status}), which is not followed`)
  }
  return response
}
