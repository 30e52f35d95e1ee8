import { parseArgs } from 'node:util'
import { parseConfig } from '../config.js'
import { createNodeIdentity } from '../entry/identity.js'
import { issueStaffToken } from '../admin/staff-token.js'
import { issueSandboxCitizenToken } from '../identity/index.js'

/**
 * `lgsp token --agency <id>` prints an access token for a client of that agency (the first active
 * one, or `--client`), signed with the gateway's keys in DATA_DIR — what a running gateway with
 * the same DATA_DIR and issuer accepts. `lgsp token --citizen <PIN>` prints a sandbox citizen token.
 * Development only: production issues tokens through /oauth/token and the national e-ID.
 */
export async function tokenCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { agency: { type: 'string' }, client: { type: 'string' }, citizen: { type: 'string' }, auditor: { type: 'string' }, operator: { type: 'string' } },
    strict: true,
  })
  if ([values.agency, values.citizen, values.auditor, values.operator].filter(Boolean).length !== 1) {
    process.stderr.write('Give exactly one of --agency <id>, --citizen <PIN>, --auditor <name> or --operator <name>\n')
    return 2
  }
  const config = parseConfig(process.env)
  if (config.NODE_ENV === 'production') {
    process.stderr.write('lgsp token is for development: in production clients use POST /oauth/token\n')
    return 2
  }
  const node = await createNodeIdentity(config)
  try {
    const staffName = values.auditor ?? values.operator
    if (staffName) {
      const role = values.auditor ? 'auditor' : 'operator'
      process.stdout.write(`${await issueStaffToken(node.keys, node.identity.issuer, { role, name: staffName })}\n`)
      return 0
    }
    if (values.citizen) {
      process.stdout.write(`${await issueSandboxCitizenToken(node.keys, node.identity.issuer, values.citizen)}\n`)
      return 0
    }
    const client = values.client
      ? node.identity.registry.activeClient(values.client)
      : (node.identity.registry
          .devClientIds()
          .map((id) => node.identity.registry.activeClient(id))
          .find((entry) => entry?.agencyId === values.agency) ?? null)
    if (!client || client.agencyId !== values.agency) {
      // Name what exists: the agencies with a development client, and that agency's clients.
      const devClients = node.identity.registry
        .devClientIds()
        .map((id) => node.identity.registry.activeClient(id))
        .filter((entry) => entry !== null)
      const agencies = [...new Set(devClients.map((entry) => entry.agencyId))].sort()
      const ofAgency = devClients.filter((entry) => entry.agencyId === values.agency).map((entry) => entry.clientId)
      process.stderr.write(
        `No active client of agency ${values.agency}${values.client ? ` named ${values.client}` : ''}. ${
          ofAgency.length ? `Its clients: ${ofAgency.join(', ')}.` : `Agencies with a development client: ${agencies.join(', ')}.`
        }\n`,
      )
      return 2
    }
    const { token } = await node.identity.tokens.issue(client)
    process.stdout.write(`${token}\n`)
    return 0
  } finally {
    await node.close()
  }
}
