/**
 * The published contract is the code's: the committed documents under docs/contract are what
 * `lgsp contract export` generates now (run it after changing a schema), the JSON Schema compiles
 * under a well-kept validator, and every message a dossier's whole path puts in the outbox
 * validates against it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { buildSchema } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stepMessageSchema } from '../connectors/index.js'
import { contractDocuments } from '../gateway/contract/index.js'
import { migrate, type Database } from '../gateway/database/index.js'
import { openPglite } from '../gateway/database/pglite.node.js'
import { createDossierStore, type DossierStep } from '../gateway/exchange/index.js'
import { repoRoot } from './gateway-process.js'

describe('docs/contract', () => {
  it.each(contractDocuments().map((document) => [document.name, document.text]))(
    '%s is what the code generates (run `npx lgsp contract export`)',
    (name, text) => {
      expect(readFileSync(join(repoRoot, 'docs', 'contract', name), 'utf8')).toBe(text)
    },
  )

  it('the SDL is a schema', () => {
    const sdl = contractDocuments().find((document) => document.name === 'schema.graphql')!.text
    expect(buildSchema(sdl).getMutationType()?.getFields().transferDossier).toBeDefined()
  })
})

describe('the step message schema', () => {
  let db: Database
  beforeAll(async () => {
    db = await openPglite()
    await migrate(db)
  })
  afterAll(async () => {
    await db?.close()
  })

  it('compiles, and every message of a dossier’s whole path validates against it (and against the code’s own check)', async () => {
    const schema = JSON.parse(contractDocuments().find((document) => document.name === 'step-message.schema.json')!.text) as object
    const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(schema)
    const store = createDossierStore(db)
    const code = 'G09.20-20261204-0000001'
    const part = { name: 'Đơn', copyType: 0 as const, mediaType: 'application/pdf', size: 10, sha256: 'a'.repeat(64) }
    await store.submit(
      { code, procedure: '1.004227', channel: 2, applicant: '001085000101', commune: '00097', dueAt: '2026-12-14T00:00:00.000Z' },
      { actor: 'mot-cua-a', officer: 'can-bo-1', parts: [part] },
    )
    const path: Array<[Exclude<DossierStep, 'submit'>, string, string?]> = [
      ['accept', 'mot-cua-a'],
      ['transfer', 'mot-cua-a', 'so-b'],
      ['askFees', 'so-b'],
      ['confirmFees', 'mot-cua-a'],
      ['requestSupplement', 'so-b'],
      ['supplement', 'mot-cua-a'],
      ['addProgress', 'so-b'],
      ['finish', 'so-b'],
      ['returnResult', 'mot-cua-a'],
    ]
    for (const [step, actor, target] of path) {
      const result = await store.step(code, step, {
        actor,
        note: `${step} note`,
        ...(target ? { target } : {}),
        ...(step === 'supplement' ? { parts: [part] } : {}),
      })
      expect(result.ok).toBe(true)
    }
    const messages = await store.outbox(code)
    expect(messages.length).toBeGreaterThan(path.length)
    for (const message of messages) {
      expect(validate(message.payload), JSON.stringify(validate.errors)).toBe(true)
      expect(stepMessageSchema.safeParse(message.payload).success).toBe(true)
    }
    // And it is strict: a field the contract does not name fails.
    expect(validate({ ...messages[0]!.payload, extra: 1 })).toBe(false)
  })
})
