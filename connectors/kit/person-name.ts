import type { PersonName } from './canonical.js'

const titleCaseWord = (word: string) => {
  const lower = word.toLocaleLowerCase('vi')
  return lower.charAt(0).toLocaleUpperCase('vi') + lower.slice(1)
}

/**
 * A full name written in one text → its parts, Vietnamese order: "NGUYỄN VĂN AN" → family
 * "Nguyễn", middle "Văn", given "An". Registries that store names upper-case and the population
 * registry's title case then read the same. A one-word name is taken as the given name. Shared by
 * the hand-written connectors and the described ones' `personName` step.
 */
export function personNameOf(fullName: string): PersonName {
  const words = fullName.normalize('NFC').trim().split(/\s+/).map(titleCaseWord)
  const full = words.join(' ')
  if (words.length === 1) return { family: '', middle: null, given: full, full }
  return {
    family: words[0] as string,
    middle: words.length > 2 ? words.slice(1, -1).join(' ') : null,
    given: words.at(-1) as string,
    full,
  }
}
