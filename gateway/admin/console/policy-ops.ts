/**
 * Console changes to agencies, clients and keys are edits of the policy YAML documents, applied
 * as a new version through the policy store (validated, diffed, audited) and switched on here at
 * once; the other instances follow within their poll interval.
 */
import { isMap, isSeq, parseDocument, type Document } from 'yaml'
import type { PolicyFile } from '../../../policies/index.js'
import { PolicyValidationError, type ApplyResult } from '../../policy/store/index.js'
import type { ConsoleOptions } from './env.js'

export async function activeFiles(options: ConsoleOptions): Promise<{ version: number; files: PolicyFile[] }> {
  const snapshot = await options.policyStore.active()
  return snapshot ? { version: snapshot.version, files: snapshot.files } : { version: 0, files: [] }
}

/** Applies a whole set as a new version and makes this instance serve it now. */
export async function applyFiles(options: ConsoleOptions, files: PolicyFile[], author: string, message: string): Promise<ApplyResult> {
  const result = await options.policyStore.apply(files, { author, message })
  await switchToActive(options)
  return result
}

export async function switchToActive(options: ConsoleOptions): Promise<void> {
  const snapshot = await options.policyStore.active()
  if (snapshot && snapshot.version !== options.policies.current().version) options.policies.replace(options.loadSet(snapshot.files), snapshot.version)
}

export class AgencyEditError extends Error {
  override readonly name = AgencyEditError.name
}

/**
 * Edits one client of one agency in its YAML document (comments and layout kept) and applies the
 * result. Throws AgencyEditError for an unknown agency or client, PolicyValidationError for an
 * edit the policy language refuses.
 */
export async function editClient(
  options: ConsoleOptions,
  target: { agency: string; client: string },
  edit: (doc: Document, index: number) => void,
  by: { author: string; message: string },
): Promise<ApplyResult> {
  const { files } = await activeFiles(options)
  let found = false
  const next = files.map((file) => {
    if (found || !file.name.startsWith('agencies/')) return file
    const doc = parseDocument(file.text)
    if (doc.get('agency') !== target.agency) return file
    const clients = doc.get('clients')
    const index = isSeq(clients) ? clients.items.findIndex((item) => isMap(item) && item.get('id') === target.client) : -1
    if (index < 0) throw new AgencyEditError(`no client ${target.client} in agency ${target.agency}`)
    edit(doc, index)
    found = true
    return { name: file.name, text: doc.toString() }
  })
  if (!found) throw new AgencyEditError(`no agency ${target.agency}`)
  return applyFiles(options, next, by.author, by.message)
}

export { PolicyValidationError }
