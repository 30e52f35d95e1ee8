/** Operators: agencies and their clients — suspend or reinstate a client, add or revoke a key. */
import { Hono, type Context } from 'hono'
import { isMap, isSeq } from 'yaml'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { activeFiles, AgencyEditError, editClient, PolicyValidationError } from './policy-ops.js'
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
                          <form method="post" action="/admin/agencies/suspend">
                            <CsrfField c={c} />
                            <input type="hidden" name="agency" value={agency.agency} />
                            <input type="hidden" name="client" value={client.id} />
                            <input type="hidden" name="suspended" value={client.suspended ? 'false' : 'true'} />
                            <button
                              type="submit"
                              class={client.suspended ? '' : 'danger'}
                              aria-label={`${client.suspended ? t.agencies.reinstate : t.agencies.suspend} ${client.id}`}
                            >
                              {client.suspended ? t.agencies.reinstate : t.agencies.suspend}
                            </button>
                          </form>
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
      if (error instanceof AgencyEditError || error instanceof PolicyValidationError || error instanceof SyntaxError) {
        c.status(400)
        return c.html(MessagePage({ c, title: '400', message: error.message }))
      }
      throw error
    }
  }

  routes.post('/admin/agencies/suspend', async (c) => {
    const suspended = (await c.req.parseBody()).suspended === 'true'
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
        if (index < 0) throw new AgencyEditError(`no key ${kid}`)
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
      return c.html(MessagePage({ c, title: '400', message: 'JWK: not JSON' }))
    }
    if ('d' in jwk) {
      c.status(400)
      return c.html(MessagePage({ c, title: '400', message: 'JWK: a private key was pasted; paste the public key only' }))
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
