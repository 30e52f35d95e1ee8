/** Where a command is on PATH, as the shell would find it, or null. */
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

export function findOnPath(command: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, command)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here; try the next directory
    }
  }
  return null
}
