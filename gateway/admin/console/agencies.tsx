/**
 * Operators: agencies and their clients — suspend a client (after a page that names the agency and
 * the client and says what will happen, confirmed by a second post), reinstate it, add or revoke a key.
 */
import { Hono, type Context } from 'hono'
import { isMap, isSeq } from 'yaml'
import { SuspendConfirmation } from './agency-suspend.js'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { fill } from './i18n/index.js'
import { activeFiles, AgencyEditError, editClient, PolicyValidationError, PolicyVersionConflictError } from './policy-ops.js'
import { translateProblems } from './problem-text.js'
import { auditAction } from './session.js'
import { CsrfField, MessagePage, Page } from './views/layout.js'

const field = (body: Record<string, unknown>, name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '')

export function agencyRoutes(options: ConsoleOptions): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>()

  routes.get('/admin/agencies', async (c) => {
    const t = c.get('t')
    const { version, files } = await activeFiles(options)
    const set = files.length ? options.loadSet(files) : { agencies: [], purposes: [] }
    auditAction(c, 'agencies.viewed', { version })
    const notice = c.req.query('applied')
    return c.html(
      <Page c={c} title={t.agencies.title}>
        {notice ? <p class="card ok" role="status">{`${t.agencies.done} ${notice}`}</p> : null}
        <p>
          <a href="/admin/policies/edit">{t.agencies.register}</a>
        </p>
        {set.agencies.map((agency) => (
          <section class="card" aria-label={agency.agency}>
            <h2>
              {`${agency.name} `}
              <small>({agency.agency})</small>
              {agency.suspended ? <span class="bad">{` — ${t.agencies.suspended}`}</span> : null}
            </h2>
            <div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t.agencies.client}</th>
                    <th scope="col">{t.agencies.status}</th>
                    <th scope="col">{t.agencies.keys}</th>
                    <th scope="col"></th>
                  </tr>
                </thead>
                <tbody>
                  {agency.clients.map((client) => {
                    const keys = 'jwks' in client && client.jwks ? (client.jwks.keys as Array<{ kid?: string }>) : []
                    const id = `${agency.agency}--${client.id}`
                    return (
                      <tr data-client={client.id}>
                        <td>{client.id}</td>
                        <td class={client.suspended ? 'bad' : 'ok'}>{client.suspended ? t.agencies.suspended : t.agencies.active}</td>
                        <td>
                          {keys.map((key) => (
                            <form method="post" action="/admin/agencies/keys/revoke" class="inline">
                              <CsrfField c={c} />
                              <input type="hidden" name="agency" value={agency.agency} />
                              <input type="hidden" name="client" value={client.id} />
                              <input type="hidden" name="kid" value={key.kid ?? ''} />
                              <code>{key.kid ?? '?'}</code>{' '}
                              <button type="submit" class="danger" aria-label={`${t.agencies.revoke} ${key.kid ?? ''}`}>
                                {t.agencies.revoke}
                              </button>
                            </form>
                          ))}
                          <details>
                            <summary>{t.agencies.add}</summary>
                            <form method="post" action="/admin/agencies/keys/add">
                              <CsrfField c={c} />
                              <input type="hidden" name="agency" value={agency.agency} />
                              <input type="hidden" name="client" value={client.id} />
                              <label for={`jwk-${id}`}>{t.agencies.addKey}</label>
                              <textarea id={`jwk-${id}`} name="jwk" rows={3} required></textarea>
                              <button type="submit">{t.agencies.add}</button>
                            </form>
                          </details>
                        </td>
                        <td>
                          {client.suspended ? (
                            <form method="post" action="/admin/agencies/suspend">
                              <CsrfField c={c} />
                              <input type="hidden" name="agency" value={agency.agency} />
                              <input type="hidden" name="client" value={client.id} />
                              <input type="hidden" name="suspended" value="false" />
                              <button type="submit" aria-label={`${t.agencies.reinstate} ${client.id}`}>
                                {t.agencies.reinstate}
                              </button>
                            </form>
                          ) : (
                            // Asks first: the confirmation page names what will happen and posts the change.
                            <form method="get" action="/admin/agencies/suspend">
                              <input type="hidden" name="agency" value={agency.agency} />
                              <input type="hidden" name="client" value={client.id} />
                              <button type="submit" class="danger" aria-label={`${t.agencies.suspend} ${client.id}`}>
                                {t.agencies.suspend}
                              </button>
                            </form>
                          )}
                        </td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
          </section>
        ))}
      </Page>,
    )
  })

  /**
   * The confirmation page for suspending a client, or why there is none: no such agency or
   * client (404), or the client is suspended already.
   */
  async function confirmSuspend(c: Context<ConsoleEnv>, target: { agency: string; client: string }) {
    const t = c.get('t')
    const { version, files } = await activeFiles(options)
    const agency = (files.length ? options.loadSet(files).agencies : []).find((a) => a.agency === target.agency)
    const client = agency?.clients.find((cl) => cl.id === target.client)
    if (!agency || !client) {
      c.status(404)
      return c.html(MessagePage({ c, title: '404', message: fill(agency ? t.agencies.noClient : t.agencies.noAgency, target) }))
    }
    auditAction(c, 'client.suspend_asked', { ...target, version })
    if (client.suspended) return c.html(MessagePage({ c, title: t.agencies.confirmTitle, message: t.agencies.alreadySuspended }))
    return c.html(<SuspendConfirmation c={c} agency={agency} clientId={client.id} version={version} />)
  }

  routes.get('/admin/agencies/suspend', (c) => confirmSuspend(c, { agency: c.req.query('agency')?.trim() ?? '', client: c.req.query('client')?.trim() ?? '' }))

  /** Runs one client edit; answers with the agencies page (a new version) or the reason it was refused. */
  async function clientEdit(c: Context<ConsoleEnv>, action: string, edit: Parameters<typeof editClient>[2], extra: Record<string, string | boolean> = {}) {
    const body = (await c.req.parseBody()) as Record<string, unknown>
    const target = { agency: field(body, 'agency'), client: field(body, 'client') }
    const session = c.get('session')!
    auditAction(c, action, { ...target, ...extra })
    try {
      const result = await editClient(options, target, edit, {
        author: `operator:${session.account}`,
        message: `${action} ${target.agency}/${target.client} (console)`,
      })
      auditAction(c, action, { ...target, ...extra, version: result.version })
      return c.redirect(`/admin/agencies?applied=${result.version}`, 303)
    } catch (error) {
      const t = c.get('t')
      const refuse = (status: 400 | 404 | 409, message: string) => {
        c.status(status)
        return c.html(MessagePage({ c, title: String(status), message }))
      }
      if (error instanceof AgencyEditError) return refuse(error.kind === 'noKey' ? 400 : 404, fill(t.agencies[error.kind], error.values))
      if (error instanceof PolicyVersionConflictError) return refuse(409, fill(t.agencies.moved, { active: error.active ?? '—' }))
      if (error instanceof PolicyValidationError) {
        const problems = translateProblems(t, error.problems).map((p) => `${p.file} ${p.path}: ${p.message}`)
        return refuse(400, `${t.agencies.invalidEdit} ${problems.join(' · ')}`)
      }
      throw error
    }
  }

  routes.post('/admin/agencies/suspend', async (c) => {
    const body = (await c.req.parseBody()) as Record<string, unknown>
    const suspended = body.suspended === 'true'
    const target = { agency: field(body, 'agency'), client: field(body, 'client') }
    // Only the confirmation page's post suspends: it names the client it was shown for.
    if (suspended && body.confirm !== `${target.agency}/${target.client}`) return confirmSuspend(c, target)
    return clientEdit(c, suspended ? 'client.suspended' : 'client.reinstated', (doc, i) => doc.setIn(['clients', i, 'suspended'], suspended))
  })

  routes.post('/admin/agencies/keys/revoke', async (c) => {
    const kid = field((await c.req.parseBody()) as Record<string, unknown>, 'kid')
    return clientEdit(
      c,
      'client.key_revoked',
      (doc, i) => {
        const keys = doc.getIn(['clients', i, 'jwks', 'keys'])
        const index = isSeq(keys) ? keys.items.findIndex((key) => isMap(key) && key.get('kid') === kid) : -1
        if (index < 0) throw new AgencyEditError('noKey', { kid })
        doc.deleteIn(['clients', i, 'jwks', 'keys', index])
      },
      { kid },
    )
  })

  routes.post('/admin/agencies/keys/add', async (c) => {
    const raw = field((await c.req.parseBody()) as Record<string, unknown>, 'jwk')
    let jwk: Record<string, unknown>
    try {
      jwk = JSON.parse(raw) as Record<string, unknown>
    } catch {
      c.status(400)
      return c.html(MessagePage({ c, title: '400', message: c.get('t').agencies.jwkNotJson }))
    }
    if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) {
      c.status(400)
      return c.html(MessagePage({ c, title: '400', message: c.get('t').agencies.jwkNotJson }))
    }
    if ('d' in jwk) {
      c.status(400)
      return c.html(MessagePage({ c, title: '400', message: c.get('t').agencies.jwkPrivate }))
    }
    return clientEdit(
      c,
      'client.key_added',
      (doc, i) => {
        if (doc.hasIn(['clients', i, 'jwks', 'keys'])) doc.addIn(['clients', i, 'jwks', 'keys'], doc.createNode(jwk))
        else doc.setIn(['clients', i, 'jwks'], doc.createNode({ keys: [jwk] }))
      },
      { kid: typeof jwk.kid === 'string' ? jwk.kid : '' },
    )
  })
  return routes
}
