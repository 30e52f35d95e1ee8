/**
 * Operators: policy versions — list, diff, edit YAML (problems shown at their line), preview an
 * edit (its diff against the active version and its validation) and apply it on a confirmation
 * bound to that preview, activate, roll back.
 */
import { Hono, type Context } from 'hono'
import type { LoadProblem, PolicyFile } from '../../../policies/index.js'
import { diffFileSets, PolicyStoreError } from '../../policy/store/index.js'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { fill } from './i18n/index.js'
import { activeFiles, applyFiles, editedSet, PolicyVersionConflictError, previewDigest, switchToActive } from './policy-ops.js'
import { Diff, EditForm, PolicyPreview } from './policy-preview.js'
import { translateProblems } from './problem-text.js'
import { problemLines } from './problems.js'
import { auditAction } from './session.js'
import { CsrfField, MessagePage, Page } from './views/layout.js'
import { formatVnDateTime } from './vn-time.js'

const FILE_NAME = /^(agencies\/[a-z0-9][a-z0-9-]{0,80}\.yaml|purposes\.yaml)$/
const FILE_NAME_RULE = 'file name: agencies/<id>.yaml or purposes.yaml'
/** A version number as the console's forms send it; anything else (NaN, 1.5, past the column's integer range) never reaches the store. */
const versionOf = (value: unknown): number | null => (typeof value === 'string' && /^[1-9]\d{0,8}$/.test(value) ? Number(value) : null)

/** An edit as the forms post it: the file, its text with the line ends a browser sends made LF again, the message. */
function readEdit(body: Record<string, unknown>) {
  const text = typeof body.text === 'string' ? body.text.replace(/\r\n?/g, '\n') : ''
  return {
    name: typeof body.file === 'string' ? body.file.trim() : '',
    text,
    message: typeof body.message === 'string' ? body.message.trim().slice(0, 200) : '',
  }
}

export function policyRoutes(options: ConsoleOptions): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>()
  const author = (c: { get(key: 'session'): { account: string } | undefined }) => `operator:${c.get('session')!.account}`

  routes.get('/admin/policies', async (c) => {
    const t = c.get('t')
    // Newest first: the version an operator acts on is the latest.
    const versions = (await options.policyStore.list()).sort((a, b) => b.version - a.version)
    auditAction(c, 'policies.viewed')
    return c.html(
      <Page c={c} title={t.policies.title}>
        <p>
          <a href="/admin/policies/edit">{t.policies.edit}</a>
        </p>
        <form method="post" action="/admin/policies/rollback" class="card">
          <CsrfField c={c} />
          <button type="submit" class="danger">
            {t.policies.rollback}
          </button>
        </form>
        <div class="card scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t.policies.version}</th>
                <th scope="col">{`${t.policies.createdAt} (${t.time.zone})`}</th>
                <th scope="col">{t.policies.author}</th>
                <th scope="col">{t.policies.message}</th>
                <th scope="col"></th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr>
                  <td>{v.active ? <strong>{`${v.version} (${t.policies.active})`}</strong> : v.version}</td>
                  <td>
                    <time datetime={v.createdAt.toISOString()}>{formatVnDateTime(v.createdAt)}</time>
                  </td>
                  <td>{v.author}</td>
                  <td>{v.message ?? ''}</td>
                  <td>
                    {v.version > 1 ? <a href={`/admin/policies/diff?a=${v.version - 1}&b=${v.version}`}>{t.policies.diff}</a> : null}
                    {v.active ? null : (
                      <form method="post" action="/admin/policies/activate" class="inline">
                        <CsrfField c={c} />
                        <input type="hidden" name="version" value={String(v.version)} />{' '}
                        <button type="submit" aria-label={`${t.policies.activate} ${v.version}`}>
                          {t.policies.activate}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Page>,
    )
  })

  routes.get('/admin/policies/diff', async (c) => {
    const t = c.get('t')
    const a = versionOf(c.req.query('a'))
    const b = versionOf(c.req.query('b'))
    if (a === null || b === null) return c.html(MessagePage({ c, title: '400', message: t.policies.badVersion }), 400)
    const [va, vb] = await Promise.all([options.policyStore.get(a), options.policyStore.get(b)])
    if (!va || !vb) return c.html(MessagePage({ c, title: '404', message: t.policies.noVersion }), 404)
    auditAction(c, 'policies.diffed', { a, b })
    const diff = diffFileSets(va.files, vb.files)
    return c.html(
      <Page c={c} title={`${t.policies.diff} ${a} → ${b}`}>
        <div class="card scroll">{diff ? <Diff text={diff} id="diff" /> : <p>{t.policies.unchanged}</p>}</div>
      </Page>,
    )
  })

  const editor = (c: Context<ConsoleEnv>, files: PolicyFile[], name: string, text: string, problems: LoadProblem[] = [], notice?: string, message = '') => {
    const t = c.get('t')
    const shown = translateProblems(t, problems)
    const here = shown.filter((p) => p.file === name)
    const elsewhere = shown.filter((p) => p.file !== name)
    const byLine = problemLines(text, here)
    return c.html(
      <Page c={c} title={t.policies.edit}>
        <form method="get" action="/admin/policies/edit" class="card">
          <label for="pick">{t.policies.file}</label>
          <select id="pick" name="file">
            {files.map((f) => (
              <option value={f.name} selected={f.name === name}>
                {f.name}
              </option>
            ))}
          </select>
          <button type="submit">{t.policies.edit}</button>
        </form>
        {notice ? (
          <p class="card ok" role="status">
            {notice}
          </p>
        ) : null}
        {problems.length ? (
          <section class="card" aria-labelledby="problems">
            <h2 id="problems" class="bad">
              {t.policies.problems}
            </h2>
            {elsewhere.map((p) => (
              <p class="problem">{`${p.file} ${p.path}: ${p.message}`}</p>
            ))}
            {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: the label names the file this diff is of, for the find-by-label of tests and assistive tools alike */}
            <pre aria-label={name}>
              {text.split('\n').map((line, i) => (
                <>
                  {`${String(i + 1).padStart(4)}  ${line}\n`}
                  {(byLine.get(i + 1) ?? []).map((message) => (
                    <span class="problem" role="alert">{`      ↑ ${message}\n`}</span>
                  ))}
                </>
              ))}
            </pre>
          </section>
        ) : null}
        <EditForm c={c} name={name} text={text} message={message} />
      </Page>,
    )
  }
  const fileNameProblem = (name: string): LoadProblem[] => [{ file: name, path: '(document)', message: FILE_NAME_RULE }]

  /**
   * The preview of `next` against the active version, or the editor when it has problems or
   * changes nothing. `stale`: a confirmation refused because the version moved or the text changed
   * since its preview; the event records that refusal, not the preview shown in its place.
   */
  async function preview(
    c: Context<ConsoleEnv>,
    active: { version: number; files: PolicyFile[] },
    edit: ReturnType<typeof readEdit>,
    notice?: string,
    stale?: { base: number },
  ) {
    const t = c.get('t')
    const record = (action: string, detail: Record<string, string | number>) =>
      stale ? auditAction(c, 'policy.apply_stale', { file: edit.name, base: stale.base, active: active.version }) : auditAction(c, action, detail)
    if (stale) c.status(409)
    const next = editedSet(active.files, edit.name, edit.text)
    const problems = options.validate(next)
    if (problems.length) {
      record('policy.apply_refused', { file: edit.name, problems: problems.length })
      c.status(stale ? 409 : 422)
      return editor(c, active.files, edit.name, edit.text, problems, notice, edit.message)
    }
    const diff = diffFileSets(active.files, next)
    if (!diff) {
      if (stale) record('policy.apply_stale', {})
      return editor(c, active.files, edit.name, edit.text, [], t.policies.unchanged, edit.message)
    }
    record('policy.previewed', { file: edit.name, base: active.version })
    const digest = await previewDigest(active.version, next)
    return c.html(
      <PolicyPreview
        c={c}
        base={active.version}
        diff={diff}
        digest={digest}
        name={edit.name}
        text={edit.text}
        message={edit.message}
        {...(notice ? { notice } : {})}
      />,
    )
  }

  routes.get('/admin/policies/edit', async (c) => {
    const { files } = await activeFiles(options)
    const name = c.req.query('file') ?? files.find((f) => f.name.startsWith('agencies/'))?.name ?? 'agencies/new-agency.yaml'
    if (!FILE_NAME.test(name)) {
      c.status(400)
      return editor(c, files, name, '', fileNameProblem(name))
    }
    auditAction(c, 'policies.edit_opened')
    return editor(c, files, name, files.find((f) => f.name === name)?.text ?? '')
  })

  // An edit is previewed first: nothing is applied by this post.
  routes.post('/admin/policies/edit', async (c) => {
    const edit = readEdit(await c.req.parseBody())
    const active = await activeFiles(options)
    if (!FILE_NAME.test(edit.name)) {
      c.status(400)
      return editor(c, active.files, edit.name, edit.text, fileNameProblem(edit.name), undefined, edit.message)
    }
    return preview(c, active, edit)
  })

  // Only ever posted to; a visit (the language switch, a reload of the address) goes to the editor.
  routes.get('/admin/policies/apply', (c) => c.redirect('/admin/policies/edit', 303))

  /**
   * The confirmation of a preview. Applied only when the active version is still the one the
   * preview was diffed against and the set is byte for byte the one previewed; otherwise the
   * preview is shown again, against what is active now. The store checks the version once more
   * under its write lock, so an apply racing this one cannot slip in between.
   */
  routes.post('/admin/policies/apply', async (c) => {
    const t = c.get('t')
    const body = await c.req.parseBody()
    const edit = readEdit(body)
    const base = versionOf(body.base)
    const digest = typeof body.digest === 'string' ? body.digest : ''
    const active = await activeFiles(options)
    if (!FILE_NAME.test(edit.name)) {
      c.status(400)
      return editor(c, active.files, edit.name, edit.text, fileNameProblem(edit.name), undefined, edit.message)
    }
    if (base === null) return c.html(MessagePage({ c, title: '400', message: t.policies.badVersion }), 400)
    const moved = (now: number) => fill(t.policies.moved, { base, active: now })
    if (active.version !== base) return preview(c, active, edit, moved(active.version), { base })
    const next = editedSet(active.files, edit.name, edit.text)
    if ((await previewDigest(base, next)) !== digest) return preview(c, active, edit, t.policies.changed, { base })
    let result: Awaited<ReturnType<typeof applyFiles>>
    try {
      result = await applyFiles(options, next, author(c), edit.message || 'edited in the console', base)
    } catch (error) {
      if (error instanceof PolicyVersionConflictError) {
        const now = await activeFiles(options)
        return preview(c, now, edit, moved(now.version), { base })
      }
      throw error
    }
    const draft = c.get('audit')
    if (draft && result.created) draft.kind = 'policy.applied'
    auditAction(c, 'policy.apply', { file: edit.name, version: result.version, base, created: result.created })
    const { files: now } = await activeFiles(options)
    return editor(c, now, edit.name, edit.text, [], result.created ? fill(t.policies.applied, { version: result.version }) : t.policies.unchanged)
  })

  /** Activate and roll back both switch the version in force: same audit, answer and refusals. */
  async function switchVersion(
    c: Context<ConsoleEnv>,
    kind: 'policy.activated' | 'policy.rolled_back',
    action: string,
    run: () => Promise<{ version: number; previous: number | null }>,
  ) {
    try {
      const result = await run()
      await switchToActive(options)
      const draft = c.get('audit')
      if (draft) draft.kind = kind
      auditAction(c, action, { version: result.version, previous: result.previous })
      return c.redirect('/admin/policies', 303)
    } catch (error) {
      if (error instanceof PolicyStoreError) {
        const t = c.get('t')
        // The store's two refusals here, in the console's words: a version that does not exist, nothing to roll back to.
        return c.html(MessagePage({ c, title: '400', message: kind === 'policy.activated' ? t.policies.noVersion : t.policies.noRollback }), 400)
      }
      throw error
    }
  }

  routes.post('/admin/policies/activate', async (c) => {
    const version = versionOf((await c.req.parseBody()).version)
    if (version === null) return c.html(MessagePage({ c, title: '400', message: c.get('t').policies.badVersion }), 400)
    return switchVersion(c, 'policy.activated', 'policy.activate', () => options.policyStore.activate(version, { author: author(c) }))
  })

  routes.post('/admin/policies/rollback', (c) =>
    switchVersion(c, 'policy.rolled_back', 'policy.rollback', () => options.policyStore.rollback({ author: author(c) })),
  )
  return routes
}
