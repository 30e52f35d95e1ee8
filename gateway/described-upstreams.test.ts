/**
 * The settings of the sources connected by description, checked as the fixed ones are: each
 * credential its mapping's `auth` asks for, required once the source's URL is set, and never
 * echoed in a message.
 */
import { describe, expect, it } from 'vitest'
import { ConfigError, parseDescribedUpstreams } from './config.js'

const sources = [
  { name: 'social-insurance', needsApiKey: true },
  { name: 'ho-tich', needsApiKey: false, needsAccount: true },
  { name: 'thue', needsApiKey: false, needsClient: true },
]

const problemsOf = (raw: Record<string, string>, production = false): string[] => {
  try {
    parseDescribedUpstreams(raw, sources, production)
    return []
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
}

describe('described sources: settings', () => {
  it('reads each source’s URL and the credential its mapping asks for', () => {
    const settings = parseDescribedUpstreams(
      {
        UPSTREAM_SOCIAL_INSURANCE_URL: 'https://bhxh.example.test',
        UPSTREAM_SOCIAL_INSURANCE_API_KEY: 'a-real-bhxh-key',
        UPSTREAM_HO_TICH_URL: 'https://hotich.example.test/ws',
        UPSTREAM_HO_TICH_USERNAME: ' lgsp ',
        UPSTREAM_HO_TICH_PASSWORD: 'a password with spaces ',
        UPSTREAM_THUE_URL: 'https://thue.example.test/api',
        UPSTREAM_THUE_CLIENT_ID: ' lgsp-gateway ',
        UPSTREAM_THUE_CLIENT_SECRET: 'a client secret of some length',
        UPSTREAM_THUE_TOKEN_URL: 'https://idp.example.test/oauth2/token',
      },
      sources,
      true,
    )
    expect(settings).toEqual([
      { connector: 'social-insurance', url: 'https://bhxh.example.test', apiKey: 'a-real-bhxh-key' },
      // The user name trimmed; the password exactly as given.
      { connector: 'ho-tich', url: 'https://hotich.example.test/ws', credentials: { username: 'lgsp', password: 'a password with spaces ' } },
      {
        connector: 'thue',
        url: 'https://thue.example.test/api',
        oauthClient: { id: 'lgsp-gateway', secret: 'a client secret of some length' },
        tokenUrl: 'https://idp.example.test/oauth2/token',
      },
    ])
  })

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'an account-taking source without its account',
      { UPSTREAM_HO_TICH_URL: 'https://hotich.example.test' },
      /UPSTREAM_HO_TICH_USERNAME, UPSTREAM_HO_TICH_PASSWORD: are required/,
    ],
    [
      'a user name without its password',
      { UPSTREAM_HO_TICH_URL: 'https://hotich.example.test', UPSTREAM_HO_TICH_USERNAME: 'lgsp' },
      /UPSTREAM_HO_TICH_USERNAME, UPSTREAM_HO_TICH_PASSWORD: are required/,
    ],
    [
      'a short password',
      { UPSTREAM_HO_TICH_URL: 'https://hotich.example.test', UPSTREAM_HO_TICH_USERNAME: 'lgsp', UPSTREAM_HO_TICH_PASSWORD: 'short' },
      /UPSTREAM_HO_TICH_PASSWORD: must be at least 8/,
    ],
    ['a key-taking source without its key', { UPSTREAM_SOCIAL_INSURANCE_URL: 'https://bhxh.example.test' }, /UPSTREAM_SOCIAL_INSURANCE_API_KEY: is required/],
    [
      'an OAuth source without its client',
      { UPSTREAM_THUE_URL: 'https://thue.example.test', UPSTREAM_THUE_CLIENT_ID: 'lgsp' },
      /UPSTREAM_THUE_CLIENT_ID, UPSTREAM_THUE_CLIENT_SECRET: are required/,
    ],
    [
      'a short client secret',
      { UPSTREAM_THUE_URL: 'https://thue.example.test', UPSTREAM_THUE_CLIENT_ID: 'lgsp', UPSTREAM_THUE_CLIENT_SECRET: 'short' },
      /UPSTREAM_THUE_CLIENT_SECRET: must be at least 16/,
    ],
    ['a token URL that is not one', { UPSTREAM_THUE_TOKEN_URL: 'ftp://short.example.test' }, /UPSTREAM_THUE_TOKEN_URL: /],
  ])('refuses %s, without echoing a value', (_label, raw, message) => {
    const problems = problemsOf(raw)
    expect(problems.join('\n')).toMatch(message)
    expect(problems.join('\n')).not.toContain('short')
  })

  it('in production, every source’s URL', () => {
    expect(problemsOf({}, true).join('\n')).toMatch(/UPSTREAM_HO_TICH_URL: is required in production/)
  })
})
