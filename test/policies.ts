/**
 * Policy sets for tests. The harness's default agency holds one grant over every type for the
 * purpose KIEM_THU, so connector and API tests exercise the data path; the policy tests use the
 * sandbox documents under policies/ instead.
 */
import { makeExecutableSchema } from '@graphql-tools/schema'
import { isObjectType } from 'graphql'
import type { AgencyDocument, AgencyIdentity, PolicySet, Purpose } from '../policies/index.js'
import { DATA_CLASSES, typeDefs } from '../schemas/index.js'
import { agencyDocument, type TestClient } from './identity.js'

export const TEST_PURPOSE = 'KIEM_THU'

export const testPurposes: Purpose[] = [{ code: TEST_PURPOSE, name: 'Kiểm thử', legalBasis: 'test suite only' }]

/** `Type.*` for every object type of the canonical schema. */
export function everyType(): string[] {
  const schema = makeExecutableSchema({ typeDefs })
  return Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
    .map((type) => `${type.name}.*`)
    .sort()
}

/** An agency document that reads everything for KIEM_THU (and nothing for any other purpose). */
export function fullAccess(identity: AgencyIdentity): AgencyDocument {
  return {
    ...identity,
    // Every identifier shown as it is: a grant that reads a data class plainly says so.
    grants: [
      {
        id: 'kiem-thu-toan-bo',
        purposes: [TEST_PURPOSE],
        legalBasis: 'test suite only',
        allow: everyType(),
        plain: [...DATA_CLASSES.keys()],
        require: { caseId: false, endUser: false, signedContext: false },
      },
    ],
  }
}

export function testPolicySet(agencies: AgencyIdentity[]): PolicySet {
  return { agencies: agencies.map(fullAccess), purposes: testPurposes }
}

/**
 * The policies of a test agency that reads everything for KIEM_THU under rate limits of its own
 * (600 a minute, burst 100, 10,000 a day unless given): what the metrics and log tests count.
 */
export function limitedTestPolicies(
  identity: { client: TestClient },
  limits: AgencyDocument['limits'] = { rate: { perMinute: 600, burst: 100 }, dailyQuota: 10_000 },
) {
  const agency: AgencyDocument = {
    ...agencyDocument('test-agency', [identity.client]),
    limits,
    grants: [
      { id: 'kiem-thu', purposes: [TEST_PURPOSE], legalBasis: 'test', allow: everyType(), require: { caseId: false, endUser: false, signedContext: false } },
    ],
  }
  return { agencies: [agency], purposes: testPurposes }
}
