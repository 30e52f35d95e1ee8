/**
 * Operators: "agency X with purpose P runs this query" — the decision per coordinate, from the
 * same collector and evaluator as the request path (gateway/policy/explain.ts), against the
 * active policy version. A GET form: simulating changes nothing.
 */
import { Hono } from 'hono'
import { describeDenial } from '../../../policies/index.js'
import { explain } from '../../policy/index.js'
import type { ConsoleEnv, ConsoleOptions } from './env.js'
import { activeFiles } from './policy-ops.js'
import { auditAction } from './session.js'
import { Page } from './views/layout.js'

const EXAMPLE = '{\n  citizen(pin: "001090000001") {\n    name\n    birthDate\n  }\n}'

export function simulatorRoutes(options: ConsoleOptions): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>()
  routes.get('/admin/simulator', async (c) => {
    const t = c.get('t')
    const q = c.req.query()
    const { version, files } = await activeFiles(options)
    const set = options.loadSet(files)
    const agency = q.agency ?? set.agencies[0]?.agency ?? ''
    const purpose = q.purpose ?? ''
    const query = q.query ?? EXAMPLE
    const context = { purpose: purpose || null, caseId: q.caseId === 'on', endUser: q.endUser === 'on', signed: q.signed === 'on' }
    const result = q.query !== undefined ? explain({ schema: options.schema, set, agency, context, query }) : null
    // The query text may hold a PIN: only the agency, purpose and outcome are recorded.
    if (result) auditAction(c, 'policy.simulated', { agency, purpose, version, allowed: result.ok && result.decision.allowed, run: q.run === 'on' })
    const client = set.agencies.find((a) => a.agency === agency && !a.suspended)?.clients.find((cl) => !cl.suspended)
    // Only an allowed decision is run, and never with a signed context (the gateway holds no agency
    // key); the operator is always the end user, so the trail shows who read through the console.
    const ran =
      options.run && q.run === 'on' && result?.ok && result.decision.allowed && client && !context.signed
        ? await options.run({
            agency,
            clientId: client.id,
            purpose,
            query,
            ...(context.caseId ? { caseId: 'MO-PHONG-CONSOLE' } : {}),
            endUser: `${c.get('session')!.account}@console`,
          })
        : null
    return c.html(
      <Page c={c} title={t.simulator.title}>
        <form method="get" action="/admin/simulator" class="card">
          <div class="grid">
            <div>
              <label for="agency">{t.simulator.agency}</label>
              <select id="agency" name="agency">
                {set.agencies.map((a) => (
                  <option value={a.agency} selected={a.agency === agency}>{`${a.agency} — ${a.name}`}</option>
                ))}
              </select>
            </div>
            <div>
              <label for="purpose">{t.simulator.purpose}</label>
              <select id="purpose" name="purpose">
                <option value="">—</option>
                {set.purposes.map((p) => (
                  <option value={p.code} selected={p.code === purpose}>{`${p.code} — ${p.name}`}</option>
                ))}
              </select>
            </div>
          </div>
          <label for="query">{t.simulator.query}</label>
          <textarea id="query" name="query" rows={8} spellcheck={false}>
            {query}
          </textarea>
          <p>
            <input type="checkbox" id="caseId" name="caseId" checked={context.caseId} />{' '}
            <label for="caseId" class="inline">
              {t.simulator.caseId}
            </label>{' '}
            <input type="checkbox" id="endUser" name="endUser" checked={context.endUser} />{' '}
            <label for="endUser" class="inline">
              {t.simulator.endUser}
            </label>{' '}
            <input type="checkbox" id="signed" name="signed" checked={context.signed} />{' '}
            <label for="signed" class="inline">
              {t.simulator.signed}
            </label>
          </p>
          {options.run ? (
            <p>
              <input type="checkbox" id="run" name="run" checked={q.run === 'on'} />{' '}
              <label for="run" class="inline">
                {t.simulator.runReal}
              </label>
            </p>
          ) : null}
          <button type="submit">{t.simulator.run}</button>
        </form>
        {result ? (
          <section class="card" aria-live="polite" id="result">
            {result.ok ? (
              <>
                <h2 class={result.decision.allowed ? 'ok' : 'bad'} data-decision={result.decision.allowed ? 'allowed' : 'refused'}>
                  {result.decision.allowed ? t.simulator.allowed : `${t.simulator.refused} ${result.decision.code}`}
                </h2>
                {!result.decision.allowed && result.decision.coordinates.length === 0 ? <p>{result.decision.message}</p> : null}
                <div class="scroll">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t.simulator.coordinate}</th>
                        <th scope="col">{t.simulator.decision}</th>
                        <th scope="col">{t.simulator.grants}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {result.decision.coordinates.map((d) => (
                        <tr data-coordinate={d.coordinate}>
                          <td>
                            <code>{d.coordinate}</code>
                          </td>
                          <td class={d.allowed ? 'ok' : 'bad'}>{d.allowed ? t.simulator.allowed : t.simulator.refused}</td>
                          <td>
                            {d.allowed
                              ? `${d.grants.join(', ')}${d.mask ? ` · mask ${typeof d.mask === 'string' ? d.mask : JSON.stringify(d.mask)}` : ''}`
                              : describeDenial(d)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <pre>{result.text}</pre>
                {ran ? (
                  <>
                    <h2>{`${t.simulator.maskedResult} (HTTP ${ran.status})`}</h2>
                    <pre id="masked-result">{JSON.stringify(ran.body, null, 2)}</pre>
                  </>
                ) : null}
              </>
            ) : (
              <p class="problem" role="alert">
                {result.text}
              </p>
            )}
          </section>
        ) : null}
      </Page>,
    )
  })
  return routes
}
