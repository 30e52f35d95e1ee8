/**
 * `lgsp connector new` and `lgsp connector check`: connecting a registry by description. `new`
 * writes the folder from the source's OpenAPI description or WSDL (a mapping stub listing everything it
 * offers); `check` loads the folder as the gateway would, then asks the source (live, or the
 * replay sandbox of its description) and shows the records as the gateway would map them.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import {
  canonicalCatalog,
  ConnectorFilesError,
  type ConnectorPlan,
  createDescribedConnector,
  DescriptionError,
  readOpenApi,
  readWsdl,
} from '../../connectors/described/index.js'
import { readDescribedFolder } from '../../connectors/described/folders.node.js'
import { scaffoldMapping } from '../../connectors/described/scaffold.js'
import { replayCredentials, startReplaySandboxes } from '../../connectors/sandboxes.js'
import { isConnectorError } from '../../connectors/index.js'
import { typeDefs } from '../../schemas/index.js'
import { createPooledTransport } from '../../connectors/kit/pooled-transport.node.js'
import { ConfigError, upstreamPrefix } from '../config.js'
import { type ClientCertificate, readClientCertificate } from '../entry/client-certificate.js'
import { CONNECTORS_ROOT } from '../entry/canonical.js'
import { connectorUsage } from './usage.js'
import { fetchWithoutRedirects } from '../../connectors/index.js'

const out = (text: string) => process.stdout.write(`${text}\n`)
const err = (text: string) => process.stderr.write(`${text}\n`)

async function readSource(from: string): Promise<string> {
  if (/^https?:\/\//.test(from)) {
    const response = await fetchWithoutRedirects(fetch, from, { signal: AbortSignal.timeout(10_000) })
    if (!response.ok) throw new Error(`${from} answered ${response.status}`)
    return response.text()
  }
  return readFile(from, 'utf8')
}

async function create(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { from: { type: 'string' }, name: { type: 'string' }, dir: { type: 'string', default: CONNECTORS_ROOT } },
    allowPositionals: true,
    strict: true,
  })
  const [kind, source, name] = [values.from, positionals[0], values.name]
  if ((kind !== 'openapi' && kind !== 'wsdl') || !source || !name) {
    err(`Usage:\n${connectorUsage}`)
    return 2
  }
  if (!/^[a-z][a-z0-9-]{1,38}$/.test(name)) {
    err(`--name ${name}: lower-case letters, digits and dashes, at most 39`)
    return 2
  }
  const dir = join(String(values.dir), name)
  if (existsSync(dir)) {
    err(`${relative(process.cwd(), dir)} already exists: nothing written`)
    return 1
  }
  const text = await readSource(source)
  const file = kind === 'wsdl' ? 'service.wsdl' : /^\s*\{/.test(text) ? 'openapi.json' : 'openapi.yaml'
  let description
  try {
    description = kind === 'wsdl' ? readWsdl(text, source) : readOpenApi(text, source)
  } catch (error) {
    if (error instanceof DescriptionError) {
      err(error.message)
      return 1
    }
    throw error
  }
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, file), text)
  await writeFile(join(dir, 'mapping.yaml'), scaffoldMapping(description, name, file))
  await writeFile(
    join(dir, 'README.md'),
    `# ${description.title}, connected by description\n\nThis folder holds no code: \`${file}\` is the registry's description and \`mapping.yaml\` maps it onto the canonical schema (see connectors/described/README.md).\n`,
  )
  out(`wrote ${relative(process.cwd(), dir)}/ (${file}, mapping.yaml, README.md): ${description.operations.size} operations`)
  out(`next: complete mapping.yaml, then \`lgsp connector check ${name}\``)
  return 0
}

/**
 * A record from a live source, shown without its values: for each field only whether it came
 * (`present`) or not (`null`), and the number of items of a list. Everything else, codes and
 * lengths included, says something about a real person; that is read through the gateway, under
 * a policy and in the audit trail, not by this command.
 */
function withoutValues(plan: ConnectorPlan, typeName: string, record: unknown): unknown {
  if (record === null || typeof record !== 'object') return record
  const shown: Record<string, unknown> = {}
  for (const field of plan.types.get(typeName)?.fields ?? []) {
    const value = (record as Record<string, unknown>)[field.name]
    const one = (item: unknown): unknown =>
      item === null || item === undefined ? null : field.kind === 'object' ? withoutValues(plan, field.type.named, item) : 'present'
    shown[field.name] = Array.isArray(value) ? (field.kind === 'object' ? value.slice(0, 1).map(one) : 'present') : one(value)
  }
  return shown
}

async function check(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      'api-key': { type: 'string' },
      key: { type: 'string', multiple: true },
      dir: { type: 'string', default: CONNECTORS_ROOT },
    },
    allowPositionals: true,
    strict: true,
  })
  const name = positionals[0]
  if (!name) {
    err(`Usage:\n${connectorUsage}`)
    return 2
  }
  let plan
  try {
    plan = readDescribedFolder(String(values.dir), name, canonicalCatalog(typeDefs))
  } catch (error) {
    if (error instanceof ConnectorFilesError || error instanceof DescriptionError) {
      err(error.message)
      return 1
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      err(`no connector ${name}: ${relative(process.cwd(), join(String(values.dir), name, 'mapping.yaml'))} does not exist`)
      return 1
    }
    throw error
  }
  out(`${name}: the files load (${plan.lookups.length} root field${plan.lookups.length === 1 ? '' : 's'}, ${plan.types.size} types)`)
  const prefix = upstreamPrefix(name)
  const url = values.url ?? process.env[`${prefix}_URL`]
  if (!url && plan.source.kind !== 'openapi') {
    err(`${name}: a SOAP source has no replay sandbox yet; give its URL with --url or ${prefix}_URL`)
    return 1
  }
  const replay = url ? undefined : await startReplaySandboxes([plan])
  let closing: { close(): Promise<void> } | undefined
  try {
    const baseUrl = url ?? replay!.urls.get(name)!
    const apiKey = url ? (values['api-key'] ?? process.env[`${prefix}_API_KEY`]) : undefined
    out(`source: ${baseUrl}${url ? '' : ' (the replay sandbox of its description)'}`)
    // A SOAP source's account and an OAuth client, from the same settings the gateway reads; never
    // a flag (it would sit in shell history).
    const username = process.env[`${prefix}_USERNAME`]?.trim()
    const password = process.env[`${prefix}_PASSWORD`]
    if (plan.auth.kind === 'soapHeader' && (!username || !password)) {
      err(`${name}: its mapping asks for an account; set ${prefix}_USERNAME and ${prefix}_PASSWORD`)
      return 1
    }
    const credentials = username && password ? { username, password } : undefined
    const clientId = process.env[`${prefix}_CLIENT_ID`]?.trim()
    const clientSecret = process.env[`${prefix}_CLIENT_SECRET`]
    if (url && plan.auth.kind === 'oauthClientCredentials' && (!clientId || !clientSecret)) {
      err(`${name}: its mapping asks for OAuth client credentials; set ${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET`)
      return 1
    }
    const tokenUrl = process.env[`${prefix}_TOKEN_URL`]?.trim()
    const given = url
      ? {
          ...(apiKey ? { apiKey } : {}),
          ...(credentials ? { credentials } : {}),
          ...(clientId && clientSecret ? { oauthClient: { id: clientId, secret: clientSecret } } : {}),
          ...(tokenUrl ? { tokenUrl } : {}),
        }
      : { ...replayCredentials(plan, baseUrl), ...(credentials ? { credentials } : {}) }
    // A source asking for a client certificate: the one its settings name, on a pool of its own (the replay sandbox is plain HTTP).
    const certificate = url && plan.clientCertificate ? clientCertificateOf(name, prefix, err) : undefined
    if (certificate === null) return 1
    const pool = plan.clientCertificate ? createPooledTransport(certificate ? { tls: certificate } : {}) : undefined
    closing = pool
    const connector = createDescribedConnector(plan, { baseUrl, timeoutMs: 10_000, ...given, ...(pool ? { tlsTransport: pool.send } : {}) })
    const health = await connector.health()
    out(`health (${plan.health.id}): ${health.ok ? 'ok' : `failing: ${health.detail ?? 'unknown'}`}`)
    let failed = health.ok ? 0 : 1
    const scope = { requestId: `lgsp-connector-check-${crypto.randomUUID()}` }
    for (const lookup of plan.lookups) {
      const parameter = lookup.operation.parameters.find((p) => p.name === lookup.argument.parameter.name)
      const keys = values.key ?? Object.values(parameter?.examples ?? {}).map(String)
      if (keys.length === 0) out(`${lookup.field}: no --key given and the description has no example to try`)
      for (const key of keys) {
        try {
          const record = await connector.lookup(lookup.field, key, scope)
          // The replay sandbox answers the description's synthetic examples: those are shown as they are.
          const shown = url ? withoutValues(plan, lookup.type, record) : record
          out(`${lookup.field}(${lookup.argument.name}: ${url ? '<given>' : JSON.stringify(key)}) →\n${JSON.stringify(shown, null, 2)}`)
        } catch (error) {
          failed++
          out(
            `${lookup.field}(${lookup.argument.name}: ${url ? '<given>' : JSON.stringify(key)}) → ${isConnectorError(error) ? `${error.code}${error.context.detail ? ` (${error.context.detail})` : ''}` : String(error)}`,
          )
        }
      }
    }
    return failed === 0 ? 0 : 1
  } finally {
    await closing?.close()
    await replay?.close()
  }
}

/** The client certificate the settings name, checked; null (said on stderr) when missing or unusable. */
function clientCertificateOf(name: string, prefix: string, err: (line: string) => void): ClientCertificate | null {
  const [cert, key, ca] = ['CLIENT_CERT', 'CLIENT_KEY', 'CA'].map((suffix) => process.env[`${prefix}_${suffix}`]?.trim() || undefined)
  if (!cert || !key) {
    err(`${name}: its mapping asks for a client certificate; set ${prefix}_CLIENT_CERT and ${prefix}_CLIENT_KEY (PEM files)`)
    return null
  }
  try {
    return readClientCertificate(name, { cert, key, ...(ca ? { ca } : {}) })
  } catch (error) {
    if (error instanceof ConfigError) {
      err(error.message)
      return null
    }
    throw error
  }
}

export async function connectorCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub === 'new') return create(rest)
  if (sub === 'check') return check(rest)
  err(`Usage:\n${connectorUsage}`)
  return 2
}
