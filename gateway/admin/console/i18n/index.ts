import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { en } from './en.js'
import { vi } from './vi.js'

type Widen<T> = T extends string ? string : { [K in keyof T]: Widen<T[K]> }
/** The shape every language provides: Vietnamese's keys, any text. */
export type Dictionary = Widen<typeof vi>
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
