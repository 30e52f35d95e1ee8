/**
 * Content-Security-Policy sources for what a page carries inline: a page served whole (GraphiQL,
 * the API reference) admits exactly its own scripts and styles, by their SHA-256, and nothing
 * from anywhere else.
 */

const base64 = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes)))

/** The CSP hash source of one inline element's text, as CSP writes it (`'sha256-…'`). */
export async function hashSource(text: string): Promise<string> {
  return `'sha256-${base64(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))}'`
}

/** The hash source of every inline `<script>` (without attributes) of `html`, in order. */
export async function inlineScriptHashes(html: string): Promise<string[]> {
  return Promise.all([...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => hashSource(match[1]!)))
}

/** A value as JSON inside an inline script: `<` escaped, so no `</script>` or `<!--` can end or bend it. */
export const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c')
