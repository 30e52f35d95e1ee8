// The module `npm run build:workers` writes beside this file (not committed: it is rebuilt from
// connectors/ and policies/ before every Workers bundle).
import type { WorkersTexts } from './workers-texts.js'

declare const texts: WorkersTexts
export default texts
