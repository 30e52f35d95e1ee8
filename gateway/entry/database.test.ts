import { describe, expect, it } from 'vitest'
import { embeddedDurabilityNotice } from './database.js'

describe('embeddedDurabilityNotice', () => {
  it.each([
    { NODE_ENV: 'production', DATABASE_URL: undefined, said: true },
    { NODE_ENV: 'production', DATABASE_URL: 'postgres://127.0.0.1:5432/lgsp', said: false },
    { NODE_ENV: 'development', DATABASE_URL: undefined, said: false },
    { NODE_ENV: 'test', DATABASE_URL: undefined, said: false },
  ] as const)('$NODE_ENV, DATABASE_URL $DATABASE_URL: said $said', ({ said, ...config }) => {
    const notice = embeddedDurabilityNotice(config)
    if (!said) return expect(notice).toBeNull()
    // It names what is not promised and what to do about it.
    expect(notice).toMatch(/not forced to disk/)
    expect(notice).toMatch(/DATABASE_URL/)
  })
})
