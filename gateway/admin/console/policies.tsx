/** Operators: policy versions — list, diff, edit YAML (problems shown at their line), apply, activate, roll back. */
import { Hono, type Context } from 'hono'
import type { LoadProblem, PolicyFile } from '../../../policies/index.js'
import { diffFileSets, PolicyStoreError } from '../../policy/store/index.js'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { activeFiles, applyFiles, switchToActive } from './policy-ops.js'
import { problemLines } from './problems.js'
import { auditAction } from './session.js'
import { CsrfField, MessagePage, Page } from './views/layout.js'

const FILE_NAME = /^(agencies\/[a-z0-9][a-z0-9-]{0,80}\.yaml|purposes\.yaml)$/
const FILE_NAME_RULE = 'file name: agencies/<id>.yaml or purposes.yaml'
/** A version number as the console's forms send it; anything else (NaN, 1.5, past the column's integer range) never reaches the store. */
const versionOf = (value: unknown): number | null => (typeof value === 'string' && /^[1-9]\d{0,8}$/.test(value) ? Number(value) : null)

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
                <th scope="col">{t.policies.createdAt}</th>
                <th scope="col">{t.policies.author}</th>
                <th scope="col">{t.policies.message}</th>
                <th scope="col"></th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr>
                  <td>{v.active ? <strong>{`${v.version} (${t.policies.active})`}</strong> : v.version}</td>
                  <td>{v.createdAt.toISOString().slice(0, 19).replace('T', ' ')}</td>
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
    if (a === null || b === null) return c.html(MessagePage({ c, title: '400', message: 'a and b are policy version numbers' }), 400)
    const [va, vb] = await Promise.all([options.policyStore.get(a), options.policyStore.get(b)])
    if (!va || !vb) return c.html(MessagePage({ c, title: '404', message: 'no such version' }), 404)
    auditAction(c, 'policies.diffed', { a, b })
    return c.html(
      <Page c={c} title={`${t.policies.diff} ${a} → ${b}`}>
        <pre class="card">{diffFileSets(va.files, vb.files) || t.policies.unchanged}</pre>
      </Page>,
    )
  })

  const editor = (c: Context<ConsoleEnv>, files: PolicyFile[], name: string, text: string, problems: LoadProblem[] = [], notice?: string) => {
    const t = c.get('t')
    const here = problems.filter((p) => p.file === name)
    const elsewhere = problems.filter((p) => p.file !== name)
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
        <form method="post" action="/admin/policies/edit" class="card">
          <CsrfField c={c} />
          <label for="name">{t.policies.file}</label>
          <input type="text" id="name" name="file" value={name} required pattern="(agencies/[a-z0-9][a-z0-9\-]*\.yaml|purposes\.yaml)" />
          <label for="text">{t.policies.text}</label>
          <textarea id="text" name="text" rows={24} spellcheck={false}>
            {text}
          </textarea>
          <label for="message">{t.policies.message}</label>
          <input type="text" id="message" name="message" />
          <button type="submit">{t.policies.apply}</button>
        </form>
      </Page>,
    )
  }

  routes.get('/admin/policies/edit', async (c) => {
    const { files } = await activeFiles(options)
    const name = c.req.query('file') ?? files.find((f) => f.name.startsWith('agencies/'))?.name ?? 'agencies/new-agency.yaml'
    if (!FILE_NAME.test(name)) {
      c.status(400)
      return editor(c, files, name, '', [{ file: name, path: '(document)', message: FILE_NAME_RULE }])
    }
    auditAction(c, 'policies.edit_opened')
    return editor(c, files, name, files.find((f) => f.name === name)?.text ?? '')
  })

  routes.post('/admin/policies/edit', async (c) => {
    const t = c.get('t')
    const body = await c.req.parseBody()
    const name = typeof body.file === 'string' ? body.file.trim() : ''
    // Browsers send CRLF in textareas; the store's canonical text uses LF.
    const text = typeof body.text === 'string' ? body.text.replace(/\r\n/g, '\n') : ''
    const message = typeof body.message === 'string' && body.message.trim() ? body.message.trim().slice(0, 200) : 'edited in the console'
    const { files } = await activeFiles(options)
    if (!FILE_NAME.test(name)) {
      c.status(400)
      return editor(c, files, name, text, [{ file: name, path: '(document)', message: FILE_NAME_RULE }])
    }
    const next = [...files.filter((f) => f.name !== name), { name, text }]
    const problems = options.validate(next)
    if (problems.length) {
      auditAction(c, 'policy.apply_refused', { file: name, problems: problems.length })
      c.status(422)
      return editor(c, files, name, text, problems)
    }
    const result = await applyFiles(options, next, author(c), message)
    const draft = c.get('audit')
    if (draft && result.created) draft.kind = 'policy.applied'
    auditAction(c, 'policy.apply', { file: name, version: result.version, created: result.created })
    const { files: now } = await activeFiles(options)
    return editor(c, now, name, text, [], result.created ? `${t.agencies.done} ${result.version}` : t.policies.unchanged)
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
      if (error instanceof PolicyStoreError) return c.html(MessagePage({ c, title: '400', message: error.message }), 400)
      throw error
    }
  }

  routes.post('/admin/policies/activate', async (c) => {
    const version = versionOf((await c.req.parseBody()).version)
    if (version === null) return c.html(MessagePage({ c, title: '400', message: 'version: a policy version number' }), 400)
    return switchVersion(c, 'policy.activated', 'policy.activate', () => options.policyStore.activate(version, { author: author(c) }))
  })

  routes.post('/admin/policies/rollback', (c) =>
    switchVersion(c, 'policy.rolled_back', 'policy.rollback', () => options.policyStore.rollback({ author: author(c) })),
  )
  return routes
}
