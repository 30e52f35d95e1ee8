/**
 * The policy editor's forms and the preview an edit goes through before it is applied: the diff
 * against the active version and the validation result, then a confirmation that carries the
 * previewed text, the version it was diffed against and the digest binding the two.
 */
import type { Context } from 'hono'
import type { ConsoleEnv } from './env.js'
import { fill } from './i18n/index.js'
import { CsrfField, Page } from './views/layout.js'

/** The edit form: posting it asks for a preview, never applies. */
export function EditForm({ c, name, text, message }: { c: Context<ConsoleEnv>; name: string; text: string; message: string }) {
  const t = c.get('t')
  return (
    <form method="post" action="/admin/policies/edit" class="card" id="edit-form">
      <CsrfField c={c} />
      <label for="name">{t.policies.file}</label>
      <input type="text" id="name" name="file" value={name} required pattern="(agencies/[a-z0-9][a-z0-9\-]*\.yaml|purposes\.yaml)" />
      <label for="text">{t.policies.text}</label>
      {/* The parser drops one newline right after <textarea>: one is given, so a text's own first newline stays. */}
      <textarea id="text" name="text" rows={24} spellcheck={false}>
        {`\n${text}`}
      </textarea>
      <label for="message">{t.policies.message}</label>
      <input type="text" id="message" name="message" value={message} />
      <button type="submit">{t.policies.apply}</button>
    </form>
  )
}

/** A unified diff with its added, removed and hunk lines marked for the eye (and for tests). */
export function Diff({ text, id }: { text: string; id: string }) {
  return (
    <pre class="diff" id={id}>
      {text.split('\n').map((line) => {
        const mark =
          line.startsWith('+++') || line.startsWith('---')
            ? ''
            : line.startsWith('+')
              ? 'add'
              : line.startsWith('-')
                ? 'del'
                : line.startsWith('@@')
                  ? 'hunk'
                  : ''
        return mark ? <span class={mark}>{`${line}\n`}</span> : `${line}\n`
      })}
    </pre>
  )
}

export interface PreviewProps {
  c: Context<ConsoleEnv>
  /** The active version the diff is against. */
  base: number
  diff: string
  digest: string
  name: string
  text: string
  message: string
  /** Why the preview is shown again instead of applying (the active version moved, the text changed). */
  notice?: string
}

export function PolicyPreview({ c, base, diff, digest, name, text, message, notice }: PreviewProps) {
  const t = c.get('t')
  return (
    <Page c={c} title={t.policies.previewTitle}>
      {notice ? (
        <p class="card bad" role="alert" id="preview-notice">
          {notice}
        </p>
      ) : null}
      <p class="card ok" role="status" id="preview-valid">
        {t.policies.valid}
      </p>
      <section class="card scroll" aria-labelledby="preview-against">
        <h2 id="preview-against">{fill(t.policies.against, { version: base })}</h2>
        <Diff text={diff} id="preview-diff" />
      </section>
      <form method="post" action="/admin/policies/apply" class="card" id="apply-form">
        <CsrfField c={c} />
        <input type="hidden" name="file" value={name} />
        {/* A hidden input keeps its newlines (only text inputs strip them); the digest proves the text is the one previewed. */}
        <input type="hidden" name="text" value={text} />
        <input type="hidden" name="message" value={message} />
        <input type="hidden" name="base" value={String(base)} />
        <input type="hidden" name="digest" value={digest} />
        <p>{t.policies.applyNote}</p>
        <button type="submit" class="danger" id="confirm-apply">
          {t.policies.confirmApply}
        </button>
      </form>
      <h2>{t.policies.keepEditing}</h2>
      <EditForm c={c} name={name} text={text} message={message} />
    </Page>
  )
}
