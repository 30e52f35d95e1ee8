/**
 * The verifier by table, over trails held in plain arrays: each kind of tampering, each
 * retention case and each checkpoint fault, with the exact findings it must report (writer,
 * sequence number, words). The SQL that reads a real store is exercised by writer.test.ts.
 */
import type { JWK } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { testEvent, testSigner } from '../../test/audit-fixture.js'
import { canonicalJson } from './canonical.js'
import { GENESIS_HASH, linkHash } from './chain.js'
import type { CheckpointSigner } from './checkpoint.js'
import type { AuditEvent } from './event.js'
import type { AuditCheckpointRow, AuditEventRow, TrailSource } from './trail-source.js'
import { verifyTrail, type VerifyOptions, type VerifyReport } from './verify.js'

const WRITER = 'gw-t/1'
const DAY_MS = 86_400_000
/** Events are written 100 days before "now", so retention cuts are old enough unless a case says otherwise. */
const WRITTEN = Date.UTC(2026, 7, 1, 8, 0, 0)
const NOW = WRITTEN + 100 * DAY_MS

let sign: CheckpointSigner
let jwks: JWK[]
let otherKeys: { sign: CheckpointSigner; jwks: JWK[] }
beforeAll(async () => {
  ;({ sign, jwks } = await testSigner())
  otherKeys = await testSigner()
})

interface Chain {
  events: AuditEventRow[]
  checkpoints: AuditCheckpointRow[]
}

function rowOf(writer: string, seq: number, event: AuditEvent, prevHash: string, hash: string): AuditEventRow {
  return {
    writer,
    seq,
    id: event.id,
    at: new Date(event.at),
    kind: event.kind,
    request_id: event.requestId,
    agency: event.agency ?? null,
    client: event.client ?? null,
    end_user: event.endUser ?? null,
    purpose: event.purpose ?? null,
    case_id: event.caseId ?? null,
    decision: event.decision,
    code: event.code ?? null,
    status: event.status,
    subjects: event.subjects,
    withheld_until: event.withheldUntil ? new Date(event.withheldUntil) : null,
    body: canonicalJson(event),
    prev_hash: prevHash,
    hash,
  }
}

async function checkpoint(writer: string, seq: number, hash: string, final = false, signer = sign, atMs = WRITTEN + seq * 1000): Promise<AuditCheckpointRow> {
  const signed = await signer({ writer, seq, hash, at: new Date(atMs).toISOString(), final })
  return { writer, seq, hash, at: new Date(atMs), final, jws: signed.jws }
}

/** A chain of `length` events as a writer leaves it: an origin, a checkpoint every `every`, a final one when closed. */
async function chain(length: number, options: { writer?: string; every?: number; closed?: boolean } = {}): Promise<Chain> {
  const writer = options.writer ?? WRITER
  const every = options.every ?? 5
  const events: AuditEventRow[] = []
  const checkpoints = [await checkpoint(writer, 0, GENESIS_HASH)]
  let prev = GENESIS_HASH
  for (let seq = 1; seq <= length; seq++) {
    const event = testEvent({
      at: new Date(WRITTEN + seq * 1000).toISOString(),
      agency: `agency-${seq}`,
      endUser: 'can-bo-1',
      caseId: 'HS-1',
      code: 'FORBIDDEN',
      withheldUntil: '2027-01-01T00:00:00.000Z',
    })
    const body = canonicalJson(event)
    const hash = await linkHash(writer, seq, prev, body)
    events.push(rowOf(writer, seq, event, prev, hash))
    prev = hash
    if (seq % every === 0) checkpoints.push(await checkpoint(writer, seq, hash))
  }
  if (options.closed ?? true) checkpoints.push(await checkpoint(writer, length, prev, true))
  return { events, checkpoints }
}

/** Rehashes events from index `from` on, as someone who rewrote them would (the first linked to `origin`). */
async function relink(events: AuditEventRow[], from: number, origin = GENESIS_HASH): Promise<void> {
  for (let i = from; i < events.length; i++) {
    const row = events[i]!
    row.prev_hash = i === 0 ? origin : events[i - 1]!.hash
    row.hash = await linkHash(row.writer, row.seq, row.prev_hash, row.body)
  }
}

/** The trail as plain arrays, read the way the SQL source reads a store. */
function arraySource(chains: Chain[], retention: ReadonlyMap<string, number> = new Map()): TrailSource & { eventReads: number } {
  const events = chains.flatMap((c) => c.events)
  const checkpoints = chains.flatMap((c) => c.checkpoints)
  const source = {
    eventReads: 0,
    async writers() {
      return [...new Set([...events.map((e) => e.writer), ...checkpoints.map((c) => c.writer), ...retention.keys()])].sort()
    },
    async retention() {
      return retention
    },
    async checkpoints(writer: string) {
      return checkpoints.filter((c) => c.writer === writer).sort((a, b) => a.seq - b.seq || Number(a.final) - Number(b.final))
    },
    async events(writer: string, afterSeq: number, limit: number) {
      source.eventReads += 1
      return events
        .filter((e) => e.writer === writer && e.seq > afterSeq)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit)
    },
  }
  return source
}

const verify = (source: TrailSource, options: Partial<VerifyOptions> = {}): Promise<VerifyReport> => verifyTrail(source, { jwks, now: () => NOW, ...options })

describe('verify: a trail as written', () => {
  it('a closed chain verifies, and is counted', async () => {
    expect(await verify(arraySource([await chain(20)]))).toEqual({ ok: true, chains: 1, events: 20, checkpoints: 6, problems: [], warnings: [] })
  })

  it('several writers are verified each on its own', async () => {
    const report = await verify(arraySource([await chain(7, { writer: 'gw-a/1' }), await chain(3, { writer: 'gw-b/1' })]))
    expect(report).toEqual({ ok: true, chains: 2, events: 10, checkpoints: 3 + 2, problems: [], warnings: [] })
  })

  it('a chain a writer left open warns about the events after its last checkpoint: linked, not yet signed', async () => {
    const report = await verify(arraySource([await chain(13, { closed: false })]))
    expect(report).toEqual({
      ok: true,
      chains: 1,
      events: 13,
      checkpoints: 3,
      problems: [],
      warnings: [
        {
          writer: WRITER,
          seq: 11,
          message: '3 event(s) after the last signed checkpoint (a writer stopped abruptly or is still writing): hash-linked, not yet signed',
        },
      ],
    })
  })

  it('an open chain that ends at a checkpoint has nothing to warn about', async () => {
    expect(await verify(arraySource([await chain(10, { closed: false })]))).toMatchObject({ ok: true, warnings: [] })
  })

  it.each([1, 2, 5, 7, 20, 21])('reads a chain in pages of %i with the same verdict', async (pageSize) => {
    const source = arraySource([await chain(20)])
    expect(await verify(source, { pageSize })).toEqual({ ok: true, chains: 1, events: 20, checkpoints: 6, problems: [], warnings: [] })
    // Pages until one comes back short: a chain of 20 in pages of 5 takes a fifth, empty read.
    expect(source.eventReads).toBe(Math.floor(20 / pageSize) + 1)
  })
})

type Tamper = (chain: Chain) => Promise<void> | void
interface Finding {
  seq?: number
  message: string
  chainLevel?: true
}
const expected = ({ chainLevel, ...f }: Finding) => ({ writer: WRITER, ...f, ...(f.seq !== undefined && !chainLevel ? { id: expect.any(String) } : {}) })
const at = (c: Chain, seq: number) => c.events.find((e) => e.seq === seq)!

describe('verify: tampering is found and named', () => {
  /** A finding on an event names its id; one on the chain (`chainLevel`, or no seq) does not. */
  it.each<[string, Tamper, Finding[]]>([
    [
      'an altered body',
      (c) => {
        at(c, 8).body = at(c, 8).body.replace('agency-8', 'agency-x')
      },
      [
        { seq: 8, message: 'altered: its hash does not match its content' },
        { seq: 8, message: 'altered: column agency differs from the hashed body' },
      ],
    ],
    [
      'a body that is not JSON any more',
      (c) => {
        at(c, 8).body = '{not json'
      },
      [
        { seq: 8, message: 'altered: its hash does not match its content' },
        { seq: 8, message: 'altered: body is not a valid audit event' },
      ],
    ],
    [
      'an altered hash',
      (c) => void (at(c, 8).hash = at(c, 7).hash),
      [
        { seq: 8, message: 'altered: its hash does not match its content' },
        { seq: 9, message: 'does not link to event 8 (an event was inserted, replaced or reordered)' },
      ],
    ],
    ['an event removed from the middle', (c) => void c.events.splice(7, 1), [{ seq: 9, message: 'events 8…8 are missing (deleted)' }]],
    ['three events removed from the middle', (c) => void c.events.splice(6, 3), [{ seq: 10, message: 'events 7…9 are missing (deleted)' }]],
    [
      'the newest event removed',
      (c) => void c.events.pop(),
      [{ seq: 20, message: 'events 20…20 are missing (deleted after they were signed)', chainLevel: true }],
    ],
    [
      'two events swapped',
      (c) => {
        const [a, b] = [at(c, 8), at(c, 9)]
        ;[a.seq, b.seq] = [9, 8]
      },
      [
        { seq: 8, message: 'does not link to event 7 (an event was inserted, replaced or reordered)' },
        { seq: 8, message: 'altered: its hash does not match its content' },
        { seq: 9, message: 'does not link to event 8 (an event was inserted, replaced or reordered)' },
        { seq: 9, message: 'altered: its hash does not match its content' },
        { seq: 10, message: 'does not link to event 9 (an event was inserted, replaced or reordered)' },
      ],
    ],
    [
      'an event rewritten and every later hash recomputed',
      async (c) => {
        at(c, 8).body = at(c, 8).body.replace('agency-8', 'agency-x')
        at(c, 8).agency = 'agency-x'
        await relink(c.events, 7)
      },
      [
        { seq: 10, message: 'differs from the signed checkpoint at seq 10' },
        { seq: 15, message: 'differs from the signed checkpoint at seq 15' },
        { seq: 20, message: 'differs from the signed checkpoint at seq 20' },
      ],
    ],
    [
      'an event added after the chain was closed',
      async (c) => {
        const last = c.events.at(-1)!
        const event = testEvent({ at: new Date(WRITTEN + 21_000).toISOString() })
        c.events.push(rowOf(WRITER, 21, event, last.hash, await linkHash(WRITER, 21, last.hash, canonicalJson(event))))
      },
      [{ seq: 21, message: 'added after the chain was closed at seq 20' }],
    ],
    [
      'the signed origin removed',
      (c) => void c.checkpoints.shift(),
      [{ seq: 1, message: 'the chain has no signed origin (seq 0 checkpoint): it was not written by a gateway' }],
    ],
    [
      'the oldest events removed, with no retention cut',
      (c) => void c.events.splice(0, 5),
      [{ seq: 6, message: 'events before seq 6 are missing (deleted), and no retention cut at a signed checkpoint explains it' }],
    ],
    ['every event removed', (c) => void c.events.splice(0), [{ message: 'every event of the chain is missing (a checkpoint signed seq 20)' }]],
    [
      'the events after a checkpoint removed with the checkpoints after it, in an open chain',
      (c) => {
        c.events.splice(12)
        c.checkpoints.splice(3)
      },
      [],
    ],
  ])('%s', async (_case, tamper, findings) => {
    const trail = await chain(20)
    await tamper(trail)
    const report = await verify(arraySource([trail]))
    expect(report.problems).toEqual(findings.map(expected))
    expect(report.ok).toBe(findings.length === 0)
  })

  it('a chain that does not start from the genesis hash', async () => {
    const trail = await chain(3, { every: 100, closed: false })
    await relink(trail.events, 0, 'f'.repeat(64))
    const report = await verify(arraySource([trail]))
    expect(report.problems).toEqual([expected({ seq: 1, message: 'the first event does not start from the genesis hash' })])
  })

  const columns: Array<[keyof AuditEventRow, unknown]> = [
    ['id', '00000000-0000-4000-8000-000000000000'],
    ['at', new Date(WRITTEN - 1)],
    ['kind', 'access.rest'],
    ['request_id', 'req-other'],
    ['agency', 'someone-else'],
    ['agency', null],
    ['client', 'other-client'],
    ['end_user', 'can-bo-2'],
    ['end_user', null],
    ['purpose', 'OTHER'],
    ['case_id', 'HS-2'],
    ['decision', 'denied'],
    ['code', null],
    ['status', 500],
    ['subjects', ['BBBBBBBBBBBBBBBBBBBBBB']],
    ['subjects', []],
    ['withheld_until', null],
    ['withheld_until', new Date(Date.UTC(2027, 0, 2))],
  ]
  it.each(columns)('a search column edited to mislead a search: %s = %j', async (column, value) => {
    const trail = await chain(10)
    ;(at(trail, 4) as unknown as Record<string, unknown>)[column] = value
    const report = await verify(arraySource([trail]))
    expect(report.problems).toEqual([{ writer: WRITER, seq: 4, id: at(trail, 4).id, message: `altered: column ${column} differs from the hashed body` }])
  })

  it('several columns edited at once are named together', async () => {
    const trail = await chain(10)
    Object.assign(at(trail, 4), { agency: 'x', purpose: 'Y', status: 201 })
    expect((await verify(arraySource([trail]))).problems).toEqual([
      { writer: WRITER, seq: 4, id: at(trail, 4).id, message: 'altered: columns agency, purpose, status differ from the hashed body' },
    ])
  })

  it('an event without the optional columns verifies when its columns are empty too', async () => {
    const event = testEvent({ at: new Date(WRITTEN + 1000).toISOString(), agency: undefined, client: undefined, purpose: undefined })
    const hash = await linkHash(WRITER, 1, GENESIS_HASH, canonicalJson(event))
    const trail: Chain = {
      events: [rowOf(WRITER, 1, event, GENESIS_HASH, hash)],
      checkpoints: [await checkpoint(WRITER, 0, GENESIS_HASH), await checkpoint(WRITER, 1, hash, true)],
    }
    expect(await verify(arraySource([trail]))).toMatchObject({ ok: true, problems: [] })
  })

  it('stops collecting at maxProblems, and still says the trail is bad', async () => {
    const trail = await chain(20)
    for (const row of trail.events) row.agency = 'x'
    const report = await verify(arraySource([trail]), { maxProblems: 3 })
    expect(report.ok).toBe(false)
    expect(report.problems.map((p) => p.seq)).toEqual([1, 2, 3])
    expect(report.events).toBe(20)
    expect((await verify(arraySource([trail]))).problems).toHaveLength(20)
  })
})

describe('verify: checkpoints', () => {
  it("a checkpoint signed by a key that is not the gateway's does not count", async () => {
    const trail = await chain(10)
    trail.checkpoints[1] = await checkpoint(WRITER, 5, at(trail, 5).hash, false, otherKeys.sign)
    const report = await verify(arraySource([trail]))
    expect(report.problems).toEqual([
      { writer: WRITER, seq: 5, message: 'checkpoint at seq 5: signature does not verify under a gateway key, or does not match its row' },
    ])
    expect(report.checkpoints).toBe(4)
  })

  it.each<[string, (row: AuditCheckpointRow) => void]>([
    ['its writer', (row) => void (row.writer = 'gw-x/1')],
    ['its sequence number', (row) => void (row.seq = 6)],
    ['its hash', (row) => void (row.hash = 'f'.repeat(64))],
    ['its final flag', (row) => void (row.final = true)],
    ['its time', (row) => void (row.at = new Date(row.at.getTime() + 1))],
    ["its signature (another checkpoint's)", (row) => void (row.jws = '')],
  ])('a checkpoint row that does not match its signature in %s does not count', async (_case, edit) => {
    const trail = await chain(10)
    const row = trail.checkpoints[1]!
    edit(row)
    const report = await verify(arraySource([trail]))
    expect(report.problems[0]).toEqual({
      writer: row.writer,
      seq: row.seq,
      message: `checkpoint at seq ${row.seq}: signature does not verify under a gateway key, or does not match its row`,
    })
  })

  it('a checkpoint nobody can match is not evidence: the events it covered then count as unsigned', async () => {
    const trail = await chain(10, { closed: false })
    trail.checkpoints[2]!.jws = trail.checkpoints[1]!.jws
    const report = await verify(arraySource([trail]))
    expect(report.problems).toEqual([
      { writer: WRITER, seq: 10, message: 'checkpoint at seq 10: signature does not verify under a gateway key, or does not match its row' },
    ])
    expect(report.warnings).toEqual([
      {
        writer: WRITER,
        seq: 6,
        message: '5 event(s) after the last signed checkpoint (a writer stopped abruptly or is still writing): hash-linked, not yet signed',
      },
    ])
  })
})

describe('verify: retention', () => {
  const cutAt = async (through: number, options: { ageDays?: number; anchorHash?: string } = {}) => {
    const trail = await chain(20)
    const anchor = trail.checkpoints.find((c) => c.seq === through && !c.final)!
    if (options.anchorHash) anchor.hash = options.anchorHash
    const signedAt = NOW - (options.ageDays ?? 100) * DAY_MS
    Object.assign(anchor, await checkpoint(WRITER, through, anchor.hash, false, sign, signedAt))
    trail.events.splice(0, through)
    return trail
  }

  it.each<[string, () => Promise<[Chain, Map<string, number>]>, Partial<VerifyOptions>, Finding[]]>([
    ['a cut at a signed checkpoint, older than the minimum', async () => [await cutAt(10), new Map([[WRITER, 10]])], {}, []],
    ['a cut exactly the minimum old', async () => [await cutAt(10, { ageDays: 90 }), new Map([[WRITER, 10]])], {}, []],
    [
      'a cut a millisecond younger than the minimum',
      async () => [await cutAt(10, { ageDays: 90 - 1 / DAY_MS }), new Map([[WRITER, 10]])],
      {},
      [{ seq: 11, message: 'events before seq 11 were removed younger than the retention minimum' }],
    ],
    ['a young cut under a shorter minimum', async () => [await cutAt(10, { ageDays: 2 }), new Map([[WRITER, 10]])], { minRetentionMs: DAY_MS }, []],
    [
      'a cut recorded at another sequence number',
      async () => [await cutAt(10), new Map([[WRITER, 5]])],
      {},
      [{ seq: 11, message: 'events before seq 11 are missing (deleted), and no retention cut at a signed checkpoint explains it' }],
    ],
    [
      'a cut whose checkpoint does not link to the first event left',
      async () => [await cutAt(10, { anchorHash: 'e'.repeat(64) }), new Map([[WRITER, 10]])],
      {},
      [{ seq: 11, message: 'events before seq 11 are missing (deleted), and no retention cut at a signed checkpoint explains it' }],
    ],
    [
      'a cut at a sequence number no checkpoint signed',
      async () => {
        const trail = await chain(20)
        trail.events.splice(0, 7)
        return [trail, new Map([[WRITER, 7]])]
      },
      {},
      [{ seq: 8, message: 'events before seq 8 are missing (deleted), and no retention cut at a signed checkpoint explains it' }],
    ],
    [
      'a cut recorded past the events left (the newest deleted by hand)',
      async () => {
        const trail = await cutAt(10)
        trail.events.splice(5)
        return [trail, new Map([[WRITER, 20]])]
      },
      {},
      [
        { seq: 11, message: 'events before seq 11 are missing (deleted), and no retention cut at a signed checkpoint explains it' },
        { seq: 16, message: 'events 16…20 are missing (deleted after they were signed)', chainLevel: true },
      ],
    ],
    [
      'the whole chain cut at its final checkpoint',
      async () => {
        const trail = await chain(20)
        trail.events.splice(0)
        return [trail, new Map([[WRITER, 20]])]
      },
      {},
      [],
    ],
    ['a chain retention removed with its checkpoints', async () => [{ events: [], checkpoints: [] }, new Map([[WRITER, 20]])], {}, []],
  ])('%s', async (_case, make, options, findings) => {
    const [trail, retention] = await make()
    const report = await verify(arraySource([trail], retention), options)
    expect(report.problems).toEqual(findings.map(expected))
    expect(report.ok).toBe(findings.length === 0)
    expect(report.chains).toBe(1)
  })

  it('the minimum is 90 days unless told otherwise', async () => {
    const young = await cutAt(10, { ageDays: 89 })
    expect((await verify(arraySource([young], new Map([[WRITER, 10]])))).ok).toBe(false)
    expect((await verify(arraySource([young], new Map([[WRITER, 10]])), { minRetentionMs: 89 * DAY_MS })).ok).toBe(true)
  })
})
