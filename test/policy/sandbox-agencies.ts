/**
 * The sandbox policy documents (policies/) with each agency's development client swapped for a
 * test client whose key the test holds, so tests and the policy benchmark can call the gateway
 * as each of the seven agencies, with exactly the grants that ship.
 */
import { join } from 'node:path'
import { readPolicyFiles } from '../../gateway/policy/store/read-files.node.js'
import { parsePolicySet, type PolicySet } from '../../policies/index.js'
import { servedCanonical } from '../../gateway/entry/canonical.js'
import { createTestClient, type TestClient, type TestIdentity } from '../identity.js'

export interface SandboxAgencies {
  set: PolicySet
  clients: Map<string, TestClient>
}

export async function loadSandboxPolicies(): Promise<PolicySet> {
  // Checked against the schema as served, described sources included (as the gateway's store checks it).
  const result = parsePolicySet(await readPolicyFiles(join(import.meta.dirname, '..', '..', 'policies')), { dataClasses: servedCanonical().dataClasses })
  if (!result.ok) throw new Error(`sandbox policies do not load: ${JSON.stringify(result.problems)}`)
  return result.set
}

/** Every sandbox agency, with one test client each (the id of its first development client). */
export async function sandboxAgencies(set: PolicySet): Promise<SandboxAgencies> {
  const clients = new Map<string, TestClient>()
  const agencies = []
  for (const agency of set.agencies) {
    const client = await createTestClient(agency.clients[0]!.id, agency.agency)
    clients.set(agency.agency, client)
    agencies.push({ ...agency, clients: [{ id: client.clientId, suspended: false, dev: false, jwks: { keys: [client.publicJwk as never] } }] })
  }
  return { set: { agencies, purposes: set.purposes }, clients }
}

/** A token for the agency's test client. */
export function tokenFor(identity: TestIdentity, agencies: SandboxAgencies, agencyId: string): Promise<string> {
  const client = agencies.clients.get(agencyId)
  if (!client) throw new Error(`no sandbox agency ${agencyId}`)
  return identity.token(client)
}
