/**
 * Access tokens live 5 minutes, longer than a k6 smoke run and shorter than the others. This
 * development helper serves fresh ones on 127.0.0.1 for the k6 scripts (TOKEN_URL): the same
 * tokens `npx lgsp token --agency …` prints, signed with the gateway keys in DATA_DIR, so run it
 * with the gateway's environment. Development only, as `lgsp token` is.
 *
 *   node --import tsx load-tests/k6/token-server.ts            # prints its URL
 *   k6 run -e TOKEN_URL=http://127.0.0.1:<port>/tokens load-tests/k6/load.js
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseConfig } from '../../gateway/config.js'
import { createNodeIdentity } from '../../gateway/entry/identity.js'

const AGENCIES = ['thue-ha-noi', 'vpdk-dat-dai-ha-noi', 'mot-cua-phuong-hong-ha', 'cong-an-phuong-hong-ha']
const config = parseConfig(process.env)
if (config.NODE_ENV === 'production') throw new Error('token-server is for development, as lgsp token is')
const node = await createNodeIdentity(config)
const registry = node.identity.registry
const server = createServer(async (req, res) => {
  if (req.url !== '/tokens') return void res.writeHead(404).end()
  const tokens: Record<string, string> = {}
  for (const agency of AGENCIES) {
    const client = registry
      .devClientIds()
      .map((id) => registry.activeClient(id))
      .find((entry) => entry?.agencyId === agency)
    if (client) tokens[agency] = (await node.identity.tokens.issue(client)).token
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tokens))
})
server.listen(Number(process.env.TOKEN_SERVER_PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}/tokens\n`)
})
const stop = () => server.close(() => void node.close().finally(() => process.exit(0)))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
