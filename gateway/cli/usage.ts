/**
 * What each command takes, in one light module: `lgsp help` and `lgsp <command> --help` print
 * these without loading any command (a command's own module pulls in the database, GraphQL and
 * the sandboxes, seconds of loading for a line of text).
 */

export const sandboxUsage = `  sandbox [--seed N] [--citizens N] [--parcels N] [--enterprises N] [--port-base P]
          Serve the three sandbox registries on 127.0.0.1 (population, land, business)
          on ports P, P+1, P+2 (default: ephemeral), until interrupted.
`

export const tokenUsage = `  token --agency <id> [--client <id>] | --citizen <PIN> | --auditor <name> | --operator <name>
          Print a development access token for an agency's client, a sandbox citizen token, or a
          staff token for /admin/api (uses DATA_DIR, POLICIES_DIR and the issuer from the same
          environment as the gateway).
`

export const keysUsage = `  keys rotate
          Add a gateway signing key; the old one verifies until its tokens expire, then retires.
`

/**
 * Said once under the commands that change or read the gateway's data: how they reach it.
 * Shown by \`lgsp help\` and by each of those commands' --help.
 */
export const operationsNote = `
  admin, policy (but validate and explain --dir), audit: with a gateway running on this machine,
  they run through it (its operations API, with the local operator credential it keeps in
  DATA_DIR/operator-credential.json, mode 0600), else on the database directly. Another machine:
  LGSP_GATEWAY_URL=<gateway> LGSP_STAFF_TOKEN=<lgsp token --operator|--auditor NAME>.
  Each change is an audit event naming who made it (staff name, or the OS account).
`

export const adminUsage = `  admin create-user --role operator|auditor --name NAME [--totp]
          Create a console account. The password is read from stdin when piped, else (or
          when stdin is empty) a generated one is printed once. --totp also prints a TOTP secret (RFC 6238) to enrol.
`

export const auditUsage = `  audit verify [--json]
          Check every audit chain and checkpoint signature; names the first bad event. Exit 1 on any problem.
  audit export [--format jsonl|csv] [--out FILE] [--from T] [--to T] [--agency A] [--client C]
               [--end-user U] [--purpose P] [--decision D] [--code C] [--kind K] [--subject PIN]
               [--case-id X] [--request-id R]
          Write the matching events, newest first (default JSONL to stdout). The export is audited.
  audit retention [--days N]
          Remove events older than N days (default AUDIT_RETENTION_DAYS, at least 90), up to a
          signed checkpoint per chain, so the rest still verifies. The run is audited.
`

export const conformanceUsage = `  conformance run --role desk|department|portal --target URL [--agency ID] [--wire W] [--deadline-ms N]
                  [--client ID --key FILE --procedure CODE [--gateway URL] [--issuer URL] [--listen HOST:PORT] [--wait-s N]]
                  [--out FILE] [--html FILE] [--lang vi|en] [--json]
          Play the province's side against a vendor's receiving system: push every kind of step
          message signed with this gateway's key, then pushes it must refuse (unsigned, changed,
          wrong key, expired, replayed), a redelivery and a malformed payload. With --client (the
          kit's own client at the gateway, the province's side: a desk when testing a department,
          a department when testing a desk; --key its private JWK file), a real dossier of
          --procedure goes through the gateway at --gateway while the system calls through the
          kit's relay (--listen, loopback only; point the system at the URL printed): its steps, keys and
          versions, the documents it fetches (one copy changed in transit) and a 429 and a 503
          with Retry-After are judged. Writes a report
          signed with the gateway's key (default conformance-report.json; --agency names the partner
          agency in it, which recording needs) and its HTML (Vietnamese by default). Exit 0 when
          every case passes, 1 otherwise.
  conformance record FILE --agency ID
          Verify a report (signature under this gateway's keys, contract in force) and record it for
          the partner agency: the console shows it, and an agency whose policy sets
          exchange.requireConformance gets tokens only once a green one is recorded. Audited.
  conformance verify FILE [--keys FILE|URL]
          Check a report's signature (under the key history: a file, a URL, or this gateway's own
          keys) and that it was made under the contract in force. Exit 1 when it was altered, or
          when it is for an older contract.
`

export const contractUsage = `  contract export [--dir DIR]
          Write the contract partner systems are built against (GraphQL SDL, the step message's
          JSON Schema, the partner OpenAPI 3.1 document, its version) to DIR (default
          docs/contract), generated from the code; the gateway serves them at /v1/contract.
`

export const exchangeUsage = `  exchange status [--json]
          Per receiving system: messages waiting, failing (with the latest error), dead letters,
          delivered, and how long the oldest has waited.
  exchange dead-letters [--json]
          Every dead letter, newest first: its id, dossier, step, receiver, attempts and last error.
  exchange redeliver <message-id>... | --all
          Put dead letters back in the queue, due now, attempts counted afresh. Audited.
`

export const policyUsage = `  policy validate [dir]
          Check a policy directory (default POLICIES_DIR): agencies/*.yaml and purposes.yaml.
  policy apply [dir] [--message TEXT]
          Validate and store the directory as a new policy version, and activate it.
  policy activate <version>
          Make a stored version the active one (every instance switches within seconds).
  policy rollback
          Re-activate the version that was active before the current one.
  policy list
          List the stored versions, the active one marked with *.
  policy diff <a> <b>
          Show what changes from version a to version b.
  policy explain --agency <id> --purpose <CODE> --query '<graphql>' [--case-id] [--end-user]
                 [--signed] [--dir D | --active | --version N]
          The decision per coordinate, as the gateway would make it: for the directory
          (default POLICIES_DIR), the store's active version, or a stored version.
`

export const verifyUsage = `  verify --response FILE [--receipt FILE] [--request FILE] [--keys FILE|URL] [--audit] [--json]
          Check a kept answer and its receipt: the receipt's signature under the gateway's key
          history (--keys: a file, or a URL such as <gateway>/.well-known/lgsp-key-history.json;
          default: this gateway's own keys in DATA_DIR), the answer's hash, the request's
          (--request: JSON {method, target, body, purpose, caseId}) and, with --audit, that the
          audit event the receipt names records it. The receipt is read from the answer's
          extensions.receipt unless given. Exit 1 naming what failed.
`

export const connectorUsage = `  connector new --from openapi|wsdl <file-or-url> --name <name> [--dir connectors]
          Start connecting a registry by description: writes connectors/<name>/ with its OpenAPI
          description or WSDL, a mapping.yaml listing every operation and field it offers, and a
          README. (A SOAP source is looked up by one identifier; its batches and lists: not yet.)
  connector check <name> [--url URL] [--api-key KEY] [--key VALUE]... [--dir connectors]
          Load connectors/<name>/ as the gateway would (every problem with file and line), then
          ask the source (--url, else UPSTREAM_<NAME>_URL, else the replay sandbox of its
          description) for its health and each --key (default: the description's examples) and
          print the records as the gateway maps them: in full from the replay sandbox (synthetic
          examples), from a live source only which fields came (personal data is read
          through the gateway, under a policy and in the audit trail). A SOAP source's account
          comes from UPSTREAM_<NAME>_USERNAME and _PASSWORD. Exit 1 on any problem.
`
