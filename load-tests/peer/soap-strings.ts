/**
 * Keeps SOAP leaf values as the text the registry sent. @graphql-mesh/transport-soap parses every
 * answer with fast-xml-parser and its default `parseTagValue: true`, which turns numeric-looking
 * text into numbers: the commune code `00097` becomes 97 and a PIN such as `046149381119` loses
 * its leading zero before the String field serialises it. Our own connector parses with
 * `parseTagValue: false` (connectors/land/wire/soap.ts) for the same reason.
 *
 * Neither @omnigraph/soap 0.96.0 nor transport-soap 0.13.1 takes parser options: the transport
 * builds its XMLParser, on the first request, from one module-level object (esm/parseXmlOptions.js).
 * So this sets `parseTagValue: false` on that object before the gateway runs a request, and the
 * gateway is given this same ESM module as its `soap` transport (server.ts) so the object changed
 * is the object read. GraphQL's Int and Float still turn "46" and "1166.46" into numbers.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)

export async function soapTransportKeepingText(): Promise<unknown> {
  const packageDir = dirname(require.resolve('@graphql-mesh/transport-soap/package.json'))
  const options = (await import(pathToFileURL(join(packageDir, 'esm', 'parseXmlOptions.js')).href)) as { parseXmlOptions?: Record<string, unknown> }
  if (!options.parseXmlOptions) throw new Error('@graphql-mesh/transport-soap no longer has esm/parseXmlOptions.js: check how it parses numbers')
  options.parseXmlOptions.parseTagValue = false
  return import('@graphql-mesh/transport-soap')
}
