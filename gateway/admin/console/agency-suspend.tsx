/**
 * The page between "Suspend" and a suspended client: it names the agency (by its name and id) and
 * the client, says what suspending does, and carries the only post that suspends — with the
 * session's CSRF token and a confirmation naming that client.
 */
import type { Context } from 'hono'
import type { AgencyDocument } from '../../../policies/index.js'
import type { ConsoleEnv } from './env.js'
import { fill } from './i18n/index.js'
import { CsrfField, Page } from './views/layout.js'

export function SuspendConfirmation({ c, agency, clientId, version }: { c: Context<ConsoleEnv>; agency: AgencyDocument; clientId: string; version: number }) {
  const t = c.get('t')
  return (
    <Page c={c} title={t.agencies.confirmTitle}>
      <section class="card" id="suspend-confirm" data-agency={agency.agency} data-client={clientId} aria-labelledby="suspend-what">
        <p id="suspend-what">
          <strong>{fill(t.agencies.confirmWhat, { client: clientId, agency: agency.name, agencyId: agency.agency })}</strong>
        </p>
        <ul>
          <li>{t.agencies.effectRefused}</li>
          <li>{t.agencies.effectOthers}</li>
          <li>{fill(t.agencies.effectVersion, { version })}</li>
        </ul>
        <form method="post" action="/admin/agencies/suspend" class="actions">
          <CsrfField c={c} />
          <input type="hidden" name="agency" value={agency.agency} />
          <input type="hidden" name="client" value={clientId} />
          <input type="hidden" name="suspended" value="true" />
          <input type="hidden" name="confirm" value={`${agency.agency}/${clientId}`} />
          <button type="submit" class="danger" id="confirm-suspend">
            {t.agencies.confirmSuspend}
          </button>
          <a href="/admin/agencies">{t.agencies.cancel}</a>
        </form>
      </section>
    </Page>
  )
}
