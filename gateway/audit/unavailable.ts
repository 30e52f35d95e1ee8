/**
 * The audit store cannot take an event now (down, hung, too slow): the request that needed it
 * fails closed. Thrown by every sink; its own module, so the sink port and its adapters share it
 * without importing each other.
 */
export class AuditUnavailableError extends Error {
  override name = AuditUnavailableError.name
}
