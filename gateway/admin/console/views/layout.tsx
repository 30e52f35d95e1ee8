import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import type { ConsoleEnv } from '../env.js'
import { styles } from './styles.js'

export interface PageProps {
  c: Context<ConsoleEnv>
  title: string
  children?: Child
}

/** The console's page: header with the role's navigation, language switch, main region. */
export function Page({ c, title, children }: PageProps) {
  const t = c.get('t')
  const session = c.get('session')
  const other = t.lang === 'vi' ? 'en' : 'vi'
  const links =
    session?.role === 'operator'
      ? [
          ['/admin/agencies', t.nav.agencies],
          ['/admin/policies', t.nav.policies],
          ['/admin/simulator', t.nav.simulator],
          ['/admin/health', t.nav.health],
          ...(c.get('exchangeEnabled') ? [['/admin/exchange', t.nav.exchange]] : []),
        ]
      : session?.role === 'auditor'
        ? [
            ['/admin/audit', t.nav.audit],
            ['/admin/audit/probing', t.nav.probing],
            ['/admin/audit/charts', t.nav.charts],
            ['/admin/audit/verify', t.nav.verify],
          ]
        : []
  return (
    <html lang={t.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t.appName}`}</title>
        <style dangerouslySetInnerHTML={{ __html: styles }} />
      </head>
      <body>
        <a class="skip" href="#main">
          {t.skip}
        </a>
        <header>
          <span class="brand">{t.appName}</span>
          <nav aria-label="menu">
            <ul>
              {links.map(([href, text]) => (
                <li>
                  <a href={href}>{text}</a>
                </li>
              ))}
              <li>
                <a href="/transparency">{t.nav.transparency}</a>
              </li>
              <li>
                <a href={`?lang=${other}`} hreflang={other}>
                  {t.switchLang}
                </a>
              </li>
            </ul>
          </nav>
          {session ? (
            <form method="post" action="/admin/logout" class="inline">
              <input type="hidden" name="_csrf" value={session.csrf} />
              <span>{`${session.account} (${t.role[session.role]}) `}</span>
              <button type="submit">{t.nav.logout}</button>
            </form>
          ) : null}
        </header>
        <main id="main">
          <h1>{title}</h1>
          {children}
        </main>
        <footer>
          <p id="time-note">{t.time.note}</p>
        </footer>
      </body>
    </html>
  )
}

export const MessagePage = ({ c, title, message }: { c: Context<ConsoleEnv>; title: string; message: string }) => (
  <Page c={c} title={title}>
    <p class="card" role="alert">
      {message}
    </p>
  </Page>
)

/** The hidden CSRF field every state-changing form of a session carries. */
export const CsrfField = ({ c }: { c: Context<ConsoleEnv> }) => <input type="hidden" name="_csrf" value={c.get('session')?.csrf ?? ''} />
