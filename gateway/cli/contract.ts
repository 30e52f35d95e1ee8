import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { contractDocuments } from '../contract/index.js'
import { servedCanonical } from '../entry/canonical.js'
import { contractUsage } from './usage.js'

/** `lgsp contract export`: the contract's documents, written where they are committed. */
export async function contractCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub !== 'export') {
    process.stderr.write(`Usage:\n${contractUsage}`)
    return 2
  }
  const { values } = parseArgs({ args: rest, options: { dir: { type: 'string', default: join('docs', 'contract') } }, strict: true })
  await mkdir(values.dir, { recursive: true })
  for (const document of contractDocuments(servedCanonical().typeDefs)) {
    await writeFile(join(values.dir, document.name), document.text)
    process.stdout.write(`${join(values.dir, document.name)}\n`)
  }
  return 0
}
