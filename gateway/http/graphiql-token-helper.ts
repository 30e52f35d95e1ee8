/**
 * GraphiQL's development token helper, as it sits in the page: a bar under the editor (an agency
 * with a development client, one of its purposes, a button) and the script that asks the
 * gateway's helper route for a token and opens GraphiQL again with it in the Headers tab.
 *
 * GraphiQL takes its headers only when it is drawn (it keeps no handle to change them after), so
 * the script draws a fresh GraphiQL in place of the first, with the token as its initial headers
 * and header persistence off: a token never lands in the browser's storage. The query typed so
 * far survives, since GraphiQL keeps it in the address and in its storage.
 *
 * Nothing here weakens the page's Content-Security-Policy: the script is inline and admitted by
 * its hash like GraphiQL's own, it calls only this gateway (`connect-src 'self'`), and the form is
 * never submitted by the browser (`form-action 'none'` stays). Text from the gateway reaches the
 * page as text only (`textContent`, `Option`), never as markup.
 */
import { scriptJson } from './csp.js'

const STYLE = `
body.lgsp-dev .graphiql-container { height: calc(100vh - 2.75rem); }
#lgsp-dev-token { box-sizing: border-box; display: flex; gap: .75rem; align-items: center; height: 2.75rem; margin: 0;
  padding: 0 .75rem; font: 14px system-ui, sans-serif; border-top: 1px solid #ccc; overflow: hidden; white-space: nowrap; }
#lgsp-dev-token select { max-width: 22rem; }
#lgsp-dev-token output { overflow: hidden; text-overflow: ellipsis; }
`

const FORM = `<form id="lgsp-dev-token" aria-label="Development token">
<strong>Development token</strong>
<label>Agency <select name="agency"></select></label>
<label>Purpose <select name="purpose"></select></label>
<button type="submit" disabled>Use a development token</button>
<output name="status" aria-live="polite"></output>
</form>`

function script(graphiqlOptions: object, path: string): string {
  return `(() => {
  const graphiql = ${scriptJson(graphiqlOptions)};
  const path = ${scriptJson(path)};
  document.body.classList.add('lgsp-dev');
  const form = document.getElementById('lgsp-dev-token');
  const agencies = form.elements.namedItem('agency');
  const purposes = form.elements.namedItem('purpose');
  const button = form.querySelector('button');
  const status = form.querySelector('output');
  let listed = [];
  const say = (text) => { status.textContent = text; };
  const fill = (select, items) => select.replaceChildren(...items.map(([value, label]) => new Option(label, value)));
  const showPurposes = () => {
    const chosen = listed.find((entry) => entry.agency === agencies.value);
    fill(purposes, (chosen ? chosen.purposes : []).map((purpose) => [purpose.code, purpose.code + ' (' + purpose.name + ')']));
  };
  const answer = async (response) => {
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error((body.error && body.error.message) || 'HTTP ' + response.status);
    return body;
  };
  fetch(path, { headers: { accept: 'application/json' } }).then(answer).then((body) => {
    listed = body.agencies;
    fill(agencies, listed.map((entry) => [entry.agency, entry.agency + ' (' + entry.name + ')']));
    showPurposes();
    button.disabled = listed.length === 0;
    say(listed.length ? 'or run npx lgsp token --agency AGENCY' : 'No agency has a development client (dev: true).');
  }, (error) => say(error.message));
  agencies.addEventListener('change', showPurposes);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ agency: agencies.value }),
    }).then(answer).then((issued) => {
      const headers = JSON.stringify({ Authorization: 'Bearer ' + issued.access_token, 'X-Purpose': purposes.value }, null, 2);
      const root = document.createElement('div');
      root.id = 'root';
      document.getElementById('root').replaceWith(root);
      // The open tab and any new one start with the token.
      YogaGraphiQL.renderYogaGraphiQL(root, Object.assign({}, graphiql, { headers, initialHeaders: headers, shouldPersistHeaders: false }));
      const until = new Date(Date.now() + issued.expires_in * 1000).toLocaleTimeString();
      say('A token of ' + issued.client + ' is in the Headers tab, valid until ' + until + '.');
    }, (error) => say(error.message)).finally(() => { button.disabled = listed.length === 0; });
  });
})();`
}

/**
 * `html` (GraphiQL's page, drawn with `graphiqlOptions`) with the helper added: its style in the
 * head, its bar and script at the end of the body. Throws when the page has no such places (a
 * GraphiQL release that changed its page must be looked at, not served half-working).
 */
export function withTokenHelper(html: string, graphiqlOptions: object, path: string): string {
  // The first </head> and the last </body>: the bundle between them may spell either inside its script.
  const head = html.indexOf('</head>')
  const body = html.lastIndexOf('</body>')
  if (head < 0 || body < head || !html.includes('YogaGraphiQL.renderYogaGraphiQL(')) {
    throw new Error('GraphiQL page without the head, body or render call the token helper expects')
  }
  return `${html.slice(0, head)}<style>${STYLE}</style>${html.slice(head, body)}${FORM}<script>${script(graphiqlOptions, path)}</script>${html.slice(body)}`
}
