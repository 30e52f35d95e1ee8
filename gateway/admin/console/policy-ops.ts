/**
 * Console changes to agencies, clients and keys are edits of the policy YAML documents, applied
 * as a new version through the policy store (validated, diffed, audited) and switched on here at
 * once; the other instances follow within their poll interval.
 */
import { isMap, isSeq, parseDocument, type Document } from 'yaml'
import type { PolicyFile } from '../../../policies/index.js'
import { digestInput, PolicyValidationError, PolicyVersionConflictError, type ApplyResult } from '../../policy/store/index.js'
import { sha256Hex } from '../../support/index.js'
import type { ConsoleOptions } from './env.js'

export async function activeFiles(options: ConsoleOptions): Promise<{ version: number; files: PolicyFile[] }> {
  const snapshot = await options.policyStore.active()
  return snapshot ? { version: snapshot.version, files: snapshot.files } : { version: 0, files: [] }
}

/**
 * Applies a whole set as a new version and makes this instance serve it now — only over `base`,
 * the version the set was made from: a change someone applied meanwhile is never overwritten
 * (PolicyVersionConflictError).
 */
export async function applyFiles(options: ConsoleOptions, files: PolicyFile[], author: string, message: string, base: number): Promise<ApplyResult> {
  const result = await options.policyStore.apply(files, { author, message, ifActive: base === 0 ? null : base })
  await switchToActive(options)
  return result
}

export async function switchToActive(options: ConsoleOptions): Promise<void> {
  const snapshot = await options.policyStore.active()
  if (snapshot && snapshot.version !== options.policies.current().version) options.policies.replace(options.loadSet(snapshot.files), snapshot.version)
}

/** The set an edit of one file makes of a version's files (a new name adds a file). */
export const editedSet = (files: readonly PolicyFile[], name: string, text: string): PolicyFile[] => [...files.filter((f) => f.name !== name), { name, text }]

/**
 * What a preview binds the confirmation to: the version it was diffed against and every byte of
 * the set it showed. Posted back with the confirmation, it must match what would now be applied.
 */
export const previewDigest = (base: number, files: readonly PolicyFile[]): Promise<string> => sha256Hex(`${base}\n${digestInput(files)}`)

/** An edit of an agency document that names something the document does not have. */
export class AgencyEditError extends Error {
  override readonly name = AgencyEditError.name
  constructor(
    readonly kind: 'noAgency' | 'noClient' | 'noKey',
    readonly values: Record<string, string>,
  ) {
    super(`${kind} ${Object.values(values).join(' ')}`)
  }
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
  const { version, files } = await activeFiles(options)
  let found = false
  const next = files.map((file) => {
    if (found || !file.name.startsWith('agencies/')) return file
    const doc = parseDocument(file.text)
    if (doc.get('agency') !== target.agency) return file
    const clients = doc.get('clients')
    const index = isSeq(clients) ? clients.items.findIndex((item) => isMap(item) && item.get('id') === target.client) : -1
    if (index < 0) throw new AgencyEditError('noClient', { agency: target.agency, client: target.client })
    edit(doc, index)
    found = true
    return { name: file.name, text: doc.toString() }
  })
  if (!found) throw new AgencyEditError('noAgency', { agency: target.agency })
  return applyFiles(options, next, by.author, by.message, version)
}

export { PolicyValidationError, PolicyVersionConflictError }
