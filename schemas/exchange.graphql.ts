/**
 * The dossier exchange (liên thông hồ sơ): dossiers, their document parts and their progress,
 * and the steps that move them between one-stop desks and department systems. Not a registry:
 * the gateway keeps these itself.
 */
export const typeDefs = /* GraphQL */ `
  "Trạng thái hồ sơ: the national public-service portal's status codes (TrangThaiHoSo)."
  enum DossierStatus {
    "1 — Mới đăng ký"
    NEW
    "2 — Được tiếp nhận"
    ACCEPTED
    "3 — Không được tiếp nhận"
    REJECTED
    "4 — Đang xử lý"
    PROCESSING
    "5 — Yêu cầu bổ sung giấy tờ"
    SUPPLEMENT_REQUESTED
    "6 — Yêu cầu thực hiện nghĩa vụ tài chính"
    FEES_DUE
    "7 — Công dân yêu cầu rút hồ sơ"
    WITHDRAWN
    "8 — Dừng xử lý"
    STOPPED
    "9 — Đã xử lý xong"
    PROCESSED
    "10 — Đã trả kết quả"
    RESULT_RETURNED
  }

  "Kênh thực hiện: how the dossier was received."
  enum IntakeChannel {
    "1 — trực tiếp"
    IN_PERSON
    "2 — trực tuyến"
    ONLINE
    "3 — qua bưu chính công ích"
    POSTAL
  }

  "Loại bản: the kind of copy a document part is."
  enum CopyType {
    "0 — bản chính"
    ORIGINAL
    "1 — bản sao"
    COPY
    "2 — bản điện tử"
    ELECTRONIC
  }

  "A step of the dossier state machine: one mutation each."
  enum DossierStep {
    SUBMIT
    ACCEPT
    REJECT
    TRANSFER
    ADD_PROGRESS
    REQUEST_SUPPLEMENT
    SUPPLEMENT
    ASK_FEES
    CONFIRM_FEES
    WITHDRAW
    STOP
    FINISH
    RETURN_RESULT
  }

  "Hồ sơ thủ tục hành chính: an administrative-procedure dossier as it moves between agencies."
  type Dossier {
    "Mã hồ sơ, e.g. G09.20-20260609-0092637"
    code: String!
    "Mã thủ tục hành chính (TTHC)"
    procedure: String!
    channel: IntakeChannel!
    "The applicant (chủ hồ sơ), when a citizen"
    applicantPin: PIN
    "The applicant, when an enterprise"
    applicantTaxCode: TaxCode
    "The commune the dossier concerns"
    communeCode: AdminCode
    "The one-stop desk that received it"
    receivingAgency: String!
    "The department handling it, once transferred"
    handlingAgency: String
    "The agency that holds it now: the only one that may move it"
    holder: String!
    status: DossierStatus!
    "The portal's status code, 1–10"
    statusCode: Int!
    "The portal's Vietnamese name of the status"
    statusName: String!
    receivedAt: DateTime!
    dueAt: DateTime
    finishedAt: DateTime
    "Raised by one at every step: send it back as expectedVersion"
    version: Int!
    parts: [DossierPart!]!
    progress: [ProgressEntry!]!
    "The steps the state machine allows from the current status"
    nextSteps: [DossierStep!]!
    "The secret printed on the receipt, for the applicant's lookup without login (the receiving desk only; null for others)"
    receiptSecret: String
  }

  "Thành phần hồ sơ: a document part, stored by its SHA-256 and fetched from /v1/blobs/{sha256}."
  type DossierPart {
    name: String!
    copyType: CopyType!
    mediaType: String!
    size: Int!
    sha256: String!
    "The step (progress entry) that added it"
    step: Int!
    "Where the content is fetched (checked against sha256 on the way out)"
    contentPath: String!
    "What the gateway found when it checked the part's signature as it entered the exchange"
    signature: DocumentSignature!
  }

  "Trạng thái chữ ký số: the outcome of checking a document's signature against the province's trust list."
  enum SignatureStatus {
    "Hợp lệ: the signature verifies, its chain reaches a trusted root, the certificate was valid and not revoked when it signed"
    VALID
    "Không hợp lệ: the bytes or the signature do not match"
    INVALID
    "Không tin cậy: the signer's chain reaches no root in the trust list"
    UNTRUSTED
    "Hết hạn: the signer's certificate was not valid at the signing time"
    EXPIRED
    "Bị thu hồi: the signer's certificate was revoked before it signed"
    REVOKED
    "Không ký: no signature found"
    UNSIGNED
  }

  "Chữ ký số của thành phần hồ sơ: a CMS (PKCS#7) signature, detached or inside a PDF (PAdES)."
  type DocumentSignature {
    status: SignatureStatus!
    "The signer certificate's common name"
    signer: String
    "When the signer says it signed (its signingTime attribute)"
    signedAt: DateTime
    "For anything but VALID and UNSIGNED: what failed"
    reason: String
    "Where the detached signature is fetched, when the part was signed apart from its content"
    signaturePath: String
  }

  "Tiến trình xử lý: one step taken on a dossier."
  type ProgressEntry {
    seq: Int!
    agency: String!
    "The officer who took the step (NguoiXuLy)"
    officer: String
    step: DossierStep!
    note: String
    at: DateTime!
    "The status after the step"
    status: DossierStatus!
  }

  "A document part a step adds: its content uploaded first to PUT /v1/blobs/{sha256}."
  input DossierPartInput {
    name: String!
    copyType: CopyType!
    sha256: String!
    "A detached CMS (PKCS#7) signature over the content, uploaded first like the content; a signed PDF carries its own"
    signatureSha256: String
  }

  input SubmitDossierInput {
    code: String!
    procedure: String!
    channel: IntakeChannel!
    "A citizen applicant; give this or applicantTaxCode"
    applicantPin: PIN
    "An enterprise applicant"
    applicantTaxCode: TaxCode
    communeCode: AdminCode
    "When the result is due; default: the procedure's deadline"
    dueAt: DateTime
    parts: [DossierPartInput!]
    note: String
  }

  "A message for a system that reads its inbox instead of receiving pushes: one step of a dossier it must hear of."
  type InboxMessage {
    "Acknowledge it by this id; it may be read again until then"
    messageId: ID!
    dossierCode: String!
    "The step's number in the dossier"
    seq: Int!
    step: DossierStep!
    "The status after the step"
    status: DossierStatus!
    "The agency that took the step"
    agency: String!
    officer: String
    note: String
    at: DateTime!
    "The document parts the step added"
    parts: [DossierPart!]!
    "The dossier as it stands now"
    dossier: Dossier
  }

  extend type Query {
    "A dossier the calling agency received, holds or has handled"
    dossier(code: String!): Dossier
    "The messages waiting for the calling agency's system (agencies registered with delivery: inbox), oldest first"
    dossierInbox(first: Int = 50): [InboxMessage!]!
  }

  "Every step needs an Idempotency-Key header and takes one step per request."
  type Mutation {
    "A one-stop desk receives a dossier (status NEW)"
    submitDossier(input: SubmitDossierInput!): Dossier!
    acceptDossier(code: String!, expectedVersion: Int, note: String): Dossier!
    rejectDossier(code: String!, expectedVersion: Int, note: String!): Dossier!
    "Hands the dossier to the department that will handle it"
    transferDossier(code: String!, to: String!, expectedVersion: Int, note: String): Dossier!
    addDossierProgress(code: String!, expectedVersion: Int, note: String!): Dossier!
    "Back to the desk, which collects the missing papers"
    requestDossierSupplement(code: String!, expectedVersion: Int, note: String!): Dossier!
    "The desk sends the dossier back to its department with the new parts"
    supplementDossier(code: String!, expectedVersion: Int, note: String, parts: [DossierPartInput!]!): Dossier!
    askDossierFees(code: String!, expectedVersion: Int, note: String!): Dossier!
    confirmDossierFees(code: String!, expectedVersion: Int, note: String): Dossier!
    withdrawDossier(code: String!, expectedVersion: Int, note: String): Dossier!
    stopDossier(code: String!, expectedVersion: Int, note: String!): Dossier!
    "The department is done; the result goes back to the desk"
    finishDossier(code: String!, expectedVersion: Int, note: String, parts: [DossierPartInput!]): Dossier!
    returnDossierResult(code: String!, expectedVersion: Int, note: String): Dossier!
    "Marks inbox messages as received; returns how many were waiting (acknowledging twice changes nothing)"
    acknowledgeDossierMessages(messageIds: [ID!]!): Int!
  }
`
