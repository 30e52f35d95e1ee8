#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the operator command needs no build step.
import { register } from 'tsx/esm/api'

register()
const { run } = await import('../gateway/cli')
process.exitCode = await run(process.argv.slice(2))
