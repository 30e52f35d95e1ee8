import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { en } from './en.js'
import type { Dictionary } from './dictionary.js'
import { vi } from './vi.js'

export type { Dictionary } from './dictionary.js'

export type Lang = 'vi' | 'en'

const dictionaries: Record<Lang, Dictionary> = { vi, en }

/**
 * The visitor's language: `?lang=` (remembered in the `lang` cookie), else the cookie, else
 * Vietnamese, the default of a Vietnamese public service.
 */
export function pickLang(c: Context): Dictionary {
  const asked = c.req.query('lang')
  if (asked === 'vi' || asked === 'en') {
    setCookie(c, 'lang', asked, { path: '/', sameSite: 'Lax', maxAge: 365 * 86400 })
    return dictionaries[asked]
  }
  const cookie = getCookie(c, 'lang')
  return dictionaries[cookie === 'en' ? 'en' : 'vi']
}

/** A dictionary text with its `{name}` placeholders filled; an unknown placeholder stays visible. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole))
}
