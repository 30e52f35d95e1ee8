/**
 * Operators: the dossier flow. Per receiving system, the messages waiting, failing (with the
 * latest error), dead-lettered and delivered, and how long the oldest has waited; the dead letters
 * themselves, each redelivered on a confirmed request; and, per agency, the open dossiers past
 * their due date. Every view and every redelivery is an audit event.
 */
import { Hono } from 'hono'
import { CONTRACT_VERSION } from '../../contract/index.js'
import { describeWait, isMessageId } from '../../exchange/index.js'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { auditAction } from './session.js'
import { formatVnDateTime } from './vn-time.js'
import { CsrfField, MessagePage, Page } from './views/layout.js'

const SHOWN = 100
export function exchangeRoutes(options: ConsoleOptions): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>()
  const exchange = options.exchange
  if (!exchange) return routes
  routes.get('/admin/exchange', async (c) => {
    const t = c.get('t')
    const [summary, dead, overdue, reports] = await Promise.all([
      exchange.outbox.summary(),
      exchange.outbox.deadLetters(),
      exchange.store.overdue(),
      exchange.conformance?.latest() ?? Promise.resolve([]),
    ])
    auditAction(c, 'exchange.viewed', { dead: dead.length })
    const agencyName = (id: string) => options.policies.current().agencies.get(id)?.name ?? id
    return c.html(
      <Page c={c} title={t.exchange.title}>
        <section class="card scroll" aria-labelledby="deliveries">
          <h2 id="deliveries">{t.exchange.deliveries}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.exchange.receiver}</th>
                <th scope="col">{t.exchange.waiting}</th>
                <th scope="col">{t.exchange.failing}</th>
                <th scope="col">{t.exchange.dead}</th>
                <th scope="col">{t.exchange.delivered}</th>
                <th scope="col">{t.exchange.oldest}</th>
                <th scope="col">{t.exchange.lastError}</th>
              </tr>
            </thead>
            <tbody>
              {summary.map((row) => (
                <tr>
                  <td>{row.receiver === 'portal' ? t.exchange.portal : agencyName(row.receiver)}</td>
                  <td>{row.pending}</td>
                  <td class={row.failing > 0 ? 'bad' : ''}>{row.failing}</td>
                  <td class={row.dead > 0 ? 'bad' : ''}>{row.dead}</td>
                  <td>{row.delivered}</td>
                  <td>{describeWait(row.oldestPendingMs)}</td>
                  <td>{row.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {summary.length === 0 ? <p>{t.exchange.none}</p> : null}
        </section>
        <section class="card scroll" aria-labelledby="dead-letters">
          <h2 id="dead-letters">{t.exchange.deadLetters}</h2>
          {dead.length === 0 ? (
            <p>{t.exchange.noDead}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.exchange.dossier}</th>
                  <th scope="col">{t.exchange.step}</th>
                  <th scope="col">{t.exchange.receiver}</th>
                  <th scope="col">{t.exchange.attempts}</th>
                  <th scope="col">{t.exchange.lastError}</th>
                  <th scope="col"></th>
                </tr>
              </thead>
              <tbody>
                {dead.slice(0, SHOWN).map((letter) => (
                  <tr>
                    <td>{letter.dossier}</td>
                    <td>{letter.seq}</td>
                    <td>{letter.receiver === 'portal' ? t.exchange.portal : agencyName(letter.receiver)}</td>
                    <td>{letter.attempts}</td>
                    <td>{letter.lastError ?? ''}</td>
                    <td>
                      <form method="post" action="/admin/exchange/redeliver">
                        <CsrfField c={c} />
                        <input type="hidden" name="id" value={letter.id} />
                        <label>
                          <input type="checkbox" name="confirm" value="yes" required /> {t.exchange.confirm}
                        </label>{' '}
                        <button type="submit">{t.exchange.redeliver}</button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section class="card scroll" aria-labelledby="overdue">
          <h2 id="overdue">{t.exchange.overdue}</h2>
          {overdue.length === 0 ? (
            <p>{t.exchange.noOverdue}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.exchange.agency}</th>
                  <th scope="col">{t.exchange.count}</th>
                  <th scope="col">{`${t.exchange.oldestDue} (${t.time.zone})`}</th>
                </tr>
              </thead>
              <tbody>
                {overdue.map((row) => (
                  <tr>
                    <td>{agencyName(row.holder)}</td>
                    <td class="bad">{row.count}</td>
                    <td>
                      <time datetime={row.oldestDueAt}>{formatVnDateTime(row.oldestDueAt, { seconds: false })}</time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section class="card scroll" aria-labelledby="conformance">
          <h2 id="conformance">{t.exchange.conformance}</h2>
          {reports.length === 0 ? (
            <p>{t.exchange.noConformance}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.exchange.partner}</th>
                  <th scope="col">{t.exchange.receiver}</th>
                  <th scope="col">{t.exchange.contract}</th>
                  <th scope="col">{t.exchange.result}</th>
                  <th scope="col">{`${t.exchange.recorded} (${t.time.zone})`}</th>
                  <th scope="col">{t.exchange.required}</th>
                </tr>
              </thead>
              <tbody>
                {reports.map((report) => (
                  <tr>
                    <td>{agencyName(report.agency)}</td>
                    <td>
                      {report.target} ({report.role}, {report.wire})
                    </td>
                    <td class={report.contractVersion === CONTRACT_VERSION ? '' : 'bad'}>
                      {report.contractVersion}
                      {report.contractVersion === CONTRACT_VERSION ? '' : ` (${t.exchange.outdated})`}
                    </td>
                    <td class={report.green ? '' : 'bad'}>
                      {report.green ? t.exchange.green : t.exchange.red} ({report.passed}/{report.passed + report.failed})
                    </td>
                    <td>
                      <time datetime={report.recordedAt}>{formatVnDateTime(report.recordedAt, { seconds: false })}</time> · {report.recordedBy}
                    </td>
                    <td>{options.policies.current().agencies.get(report.agency)?.exchange?.requireConformance ? '✓' : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </Page>,
    )
  })

  routes.post('/admin/exchange/redeliver', async (c) => {
    const t = c.get('t')
    const body = (await c.req.parseBody()) as Record<string, unknown>
    const id = typeof body.id === 'string' ? body.id : ''
    if (!isMessageId(id) || body.confirm !== 'yes') {
      c.status(400)
      return c.html(MessagePage({ c, title: '400', message: t.exchange.confirmFirst }))
    }
    const redelivered = await exchange.outbox.redeliver(id)
    auditAction(c, 'exchange.redelivered', { id, redelivered })
    if (!redelivered) {
      c.status(409)
      return c.html(MessagePage({ c, title: '409', message: t.exchange.notDead }))
    }
    return c.redirect('/admin/exchange', 303)
  })
  return routes
}
