/** Keeps the README's copy-paste example true: its enterprise exists in the default sandbox world. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createWorld } from '../connectors/sandboxes.js'
import { EXAMPLE_PURPOSE, exampleQuery } from '../gateway/entry/banner.js'

describe('README', () => {
  it('names the enterprise the default world picks as its example', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const code = /enterprise\(code: \\"(\d{10})\\"\)/.exec(readme)?.[1]
    expect(code).toBe(createWorld().examples.enterpriseCode)
    // the same query and purpose as the banner prints, which test/start.test.ts runs for real
    expect(readme).toContain(JSON.stringify({ query: exampleQuery(code!) }))
    expect(readme).toContain(`-H 'x-purpose: ${EXAMPLE_PURPOSE}'`)
    expect(readme).toContain('npm install && npm start')
    expect(readme).toContain('npm test')
  })
})
