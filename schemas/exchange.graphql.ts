/**
 * The dossier exchange (liên thông hồ sơ): dossiers, their document parts and their progress,
 * and the steps that move them between one-stop desks and department systems. Not a registry:
 * the gateway keeps these itself.
 */
export const typeDefs = /* GraphQL */ `
  "Trạng thái hồ sơ theo mã trạng thái của Cổng Dịch vụ công quốc gia (TrangThaiHoSo) / Dossier status: the national public-service portal's status codes (TrangThaiHoSo)"
  enum DossierStatus {
    "1 — Mới đăng ký / 1 — Newly registered"
    NEW
    "2 — Được tiếp nhận / 2 — Accepted"
    ACCEPTED
    "3 — Không được tiếp nhận / 3 — Not accepted"
    REJECTED
    "4 — Đang xử lý / 4 — Being processed"
    PROCESSING
    "5 — Yêu cầu bổ sung giấy tờ / 5 — Additional papers requested"
    SUPPLEMENT_REQUESTED
    "6 — Yêu cầu thực hiện nghĩa vụ tài chính / 6 — Financial obligations requested"
    FEES_DUE
    "7 — Công dân yêu cầu rút hồ sơ / 7 — Withdrawn at the applicant's request"
    WITHDRAWN
    "8 — Dừng xử lý / 8 — Processing stopped"
    STOPPED
    "9 — Đã xử lý xong / 9 — Processing finished"
    PROCESSED
    "10 — Đã trả kết quả / 10 — Result returned"
    RESULT_RETURNED
  }

  "Kênh thực hiện: cách hồ sơ được tiếp nhận / Intake channel: how the dossier was received"
  enum IntakeChannel {
    "1 — trực tiếp / 1 — in person"
    IN_PERSON
    "2 — trực tuyến / 2 — online"
    ONLINE
    "3 — qua bưu chính công ích / 3 — by public postal service"
    POSTAL
  }

  "Loại bản: thành phần hồ sơ là loại bản nào / Copy type: the kind of copy a document part is"
  enum CopyType {
    "0 — bản chính / 0 — original"
    ORIGINAL
    "1 — bản sao / 1 — copy"
    COPY
    "2 — bản điện tử / 2 — electronic"
    ELECTRONIC
  }

  "Một bước của máy trạng thái hồ sơ: mỗi bước một mutation / A step of the dossier state machine: one mutation each"
  enum DossierStep {
    "Bộ phận một cửa nhận hồ sơ mới (submitDossier) / A one-stop desk receives a new dossier (submitDossier)"
    SUBMIT
    "Tiếp nhận hồ sơ (acceptDossier) / Accept the dossier (acceptDossier)"
    ACCEPT
    "Từ chối tiếp nhận hồ sơ (rejectDossier) / Reject the dossier (rejectDossier)"
    REJECT
    "Chuyển hồ sơ cho cơ quan xử lý (transferDossier) / Hand the dossier to the department that will handle it (transferDossier)"
    TRANSFER
    "Ghi nhận tiến độ xử lý (addDossierProgress) / Record progress (addDossierProgress)"
    ADD_PROGRESS
    "Yêu cầu bổ sung giấy tờ (requestDossierSupplement) / Request missing papers (requestDossierSupplement)"
    REQUEST_SUPPLEMENT
    "Bổ sung hồ sơ (supplementDossier) / Supply the missing papers (supplementDossier)"
    SUPPLEMENT
    "Yêu cầu thực hiện nghĩa vụ tài chính (askDossierFees) / Ask for the financial obligations (askDossierFees)"
    ASK_FEES
    "Xác nhận đã thực hiện nghĩa vụ tài chính (confirmDossierFees) / Confirm the financial obligations were met (confirmDossierFees)"
    CONFIRM_FEES
    "Rút hồ sơ theo yêu cầu của người nộp (withdrawDossier) / Withdraw the dossier at the applicant's request (withdrawDossier)"
    WITHDRAW
    "Dừng xử lý (stopDossier) / Stop processing (stopDossier)"
    STOP
    "Hoàn thành xử lý (finishDossier) / Finish processing (finishDossier)"
    FINISH
    "Trả kết quả (returnDossierResult) / Return the result (returnDossierResult)"
    RETURN_RESULT
  }

  "Hồ sơ thủ tục hành chính được luân chuyển giữa các cơ quan / An administrative-procedure dossier as it moves between agencies"
  type Dossier {
    "Mã hồ sơ, ví dụ G09.20-20260609-0092637 / Dossier code, e.g. G09.20-20260609-0092637"
    code: String!
    "Mã thủ tục hành chính (TTHC) / Administrative procedure code"
    procedure: String!
    "Kênh thực hiện / Intake channel"
    channel: IntakeChannel!
    "Chủ hồ sơ, khi là công dân / The applicant, when a citizen"
    applicantPin: PIN
    "Chủ hồ sơ, khi là doanh nghiệp / The applicant, when an enterprise"
    applicantTaxCode: TaxCode
    "Đơn vị hành chính cấp xã mà hồ sơ liên quan / The commune the dossier concerns"
    communeCode: AdminCode
    "Bộ phận một cửa đã tiếp nhận hồ sơ / The one-stop desk that received it"
    receivingAgency: String!
    "Cơ quan xử lý, sau khi hồ sơ được chuyển / The department handling it, once transferred"
    handlingAgency: String
    "Cơ quan đang giữ hồ sơ: cơ quan duy nhất được chuyển bước / The agency that holds it now: the only one that may move it"
    holder: String!
    "Trạng thái hồ sơ / The dossier's status"
    status: DossierStatus!
    "Mã trạng thái của Cổng Dịch vụ công, từ 1 đến 10 / The portal's status code, 1–10"
    statusCode: Int!
    "Tên trạng thái bằng tiếng Việt của Cổng Dịch vụ công / The portal's Vietnamese name of the status"
    statusName: String!
    "Thời điểm tiếp nhận / When it was received"
    receivedAt: DateTime!
    "Thời hạn trả kết quả / When the result is due"
    dueAt: DateTime
    "Thời điểm hoàn thành / When it was finished"
    finishedAt: DateTime
    "Tăng thêm một sau mỗi bước: gửi lại giá trị này trong expectedVersion / Raised by one at every step: send it back as expectedVersion"
    version: Int!
    "Thành phần hồ sơ / The document parts"
    parts: [DossierPart!]!
    "Tiến trình xử lý / Progress"
    progress: [ProgressEntry!]!
    "Các bước máy trạng thái cho phép từ trạng thái hiện tại / The steps the state machine allows from the current status"
    nextSteps: [DossierStep!]!
    "Mã bí mật in trên giấy tiếp nhận hồ sơ, để chủ hồ sơ tra cứu không cần đăng nhập (chỉ bộ phận một cửa tiếp nhận; null với cơ quan khác) / The secret printed on the receipt, for the applicant's lookup without login (the receiving desk only; null for others)"
    receiptSecret: String
  }

  "Thành phần hồ sơ: lưu theo mã băm SHA-256 và tải tại /v1/blobs/{sha256} / A document part, stored by its SHA-256 and fetched from /v1/blobs/{sha256}"
  type DossierPart {
    "Tên giấy tờ / The document's name"
    name: String!
    "Loại bản / Copy type"
    copyType: CopyType!
    "Kiểu nội dung (media type) / Media type"
    mediaType: String!
    "Kích thước, tính bằng byte / Size, in bytes"
    size: Int!
    "Mã băm SHA-256 của nội dung / SHA-256 of the content"
    sha256: String!
    "Bước (mục tiến trình) đã thêm thành phần này / The step (progress entry) that added it"
    step: Int!
    "Đường dẫn tải nội dung (đối chiếu với sha256 khi trả ra) / Where the content is fetched (checked against sha256 on the way out)"
    contentPath: String!
    "Kết quả kiểm tra chữ ký số khi thành phần vào hệ thống liên thông / What the gateway found when it checked the part's signature as it entered the exchange"
    signature: DocumentSignature!
  }

  "Trạng thái chữ ký số: kết quả kiểm tra chữ ký của văn bản theo danh sách tin cậy của tỉnh / Signature status: the outcome of checking a document's signature against the province's trust list"
  enum SignatureStatus {
    "Hợp lệ: chữ ký đúng, chuỗi chứng thư đến một gốc tin cậy, chứng thư số còn hiệu lực và chưa bị thu hồi khi ký / Valid: the signature verifies, its chain reaches a trusted root, the certificate was valid and not revoked when it signed"
    VALID
    "Không hợp lệ: dữ liệu hoặc chữ ký không khớp / Invalid: the bytes or the signature do not match"
    INVALID
    "Không tin cậy: chuỗi chứng thư của người ký không đến gốc nào trong danh sách tin cậy / Untrusted: the signer's chain reaches no root in the trust list"
    UNTRUSTED
    "Hết hạn: chứng thư số của người ký không còn hiệu lực tại thời điểm ký / Expired: the signer's certificate was not valid at the signing time"
    EXPIRED
    "Bị thu hồi: chứng thư số của người ký đã bị thu hồi trước khi ký / Revoked: the signer's certificate was revoked before it signed"
    REVOKED
    "Không ký: không tìm thấy chữ ký / Unsigned: no signature found"
    UNSIGNED
  }

  "Chữ ký số của thành phần hồ sơ: chữ ký CMS (PKCS#7), tách rời hoặc nằm trong PDF (PAdES) / A document part's digital signature: a CMS (PKCS#7) signature, detached or inside a PDF (PAdES)"
  type DocumentSignature {
    "Trạng thái chữ ký / The signature's status"
    status: SignatureStatus!
    "Tên chung (CN) trong chứng thư số của người ký / The signer certificate's common name"
    signer: String
    "Thời điểm ký do người ký khai (thuộc tính signingTime) / When the signer says it signed (its signingTime attribute)"
    signedAt: DateTime
    "Với mọi trạng thái trừ VALID và UNSIGNED: điều gì không đạt / For anything but VALID and UNSIGNED: what failed"
    reason: String
    "Đường dẫn tải chữ ký tách rời, khi thành phần được ký tách khỏi nội dung / Where the detached signature is fetched, when the part was signed apart from its content"
    signaturePath: String
  }

  "Tiến trình xử lý: một bước đã thực hiện trên hồ sơ / Progress: one step taken on a dossier"
  type ProgressEntry {
    "Số thứ tự của bước trong hồ sơ / The step's number in the dossier"
    seq: Int!
    "Cơ quan thực hiện bước / The agency that took the step"
    agency: String!
    "Người xử lý (NguoiXuLy) / The officer who took the step (NguoiXuLy)"
    officer: String
    "Bước đã thực hiện / The step taken"
    step: DossierStep!
    "Ghi chú của bước / The step's note"
    note: String
    "Thời điểm thực hiện / When it was taken"
    at: DateTime!
    "Trạng thái sau bước / The status after the step"
    status: DossierStatus!
  }

  "Thành phần hồ sơ mà một bước thêm vào: nội dung được tải lên trước tại PUT /v1/blobs/{sha256} / A document part a step adds: its content uploaded first to PUT /v1/blobs/{sha256}"
  input DossierPartInput {
    "Tên giấy tờ / The document's name"
    name: String!
    "Loại bản / Copy type"
    copyType: CopyType!
    "Mã băm SHA-256 của nội dung đã tải lên / SHA-256 of the uploaded content"
    sha256: String!
    "Chữ ký CMS (PKCS#7) tách rời trên nội dung, tải lên trước như nội dung; PDF đã ký thì tự mang chữ ký / A detached CMS (PKCS#7) signature over the content, uploaded first like the content; a signed PDF carries its own"
    signatureSha256: String
  }

  "Hồ sơ mới do bộ phận một cửa tiếp nhận / A new dossier, as a one-stop desk receives it"
  input SubmitDossierInput {
    "Mã hồ sơ, ví dụ G09.20-20260609-0092637 / Dossier code, e.g. G09.20-20260609-0092637"
    code: String!
    "Mã thủ tục hành chính (TTHC) / Administrative procedure code"
    procedure: String!
    "Kênh thực hiện / Intake channel"
    channel: IntakeChannel!
    "Chủ hồ sơ là công dân; cho trường này hoặc applicantTaxCode / A citizen applicant; give this or applicantTaxCode"
    applicantPin: PIN
    "Chủ hồ sơ là doanh nghiệp / An enterprise applicant"
    applicantTaxCode: TaxCode
    "Đơn vị hành chính cấp xã mà hồ sơ liên quan / The commune the dossier concerns"
    communeCode: AdminCode
    "Thời hạn trả kết quả; mặc định: thời hạn giải quyết của thủ tục / When the result is due; default: the procedure's deadline"
    dueAt: DateTime
    "Thành phần hồ sơ / The document parts"
    parts: [DossierPartInput!]
    "Ghi chú khi tiếp nhận / A note on the intake"
    note: String
  }

  "Thông điệp cho hệ thống đọc hộp thư thay vì nhận đẩy: một bước của hồ sơ mà hệ thống cần biết / A message for a system that reads its inbox instead of receiving pushes: one step of a dossier it must hear of"
  type InboxMessage {
    "Xác nhận bằng mã này; thông điệp có thể được đọc lại cho đến khi xác nhận / Acknowledge it by this id; it may be read again until then"
    messageId: ID!
    "Mã hồ sơ / The dossier's code"
    dossierCode: String!
    "Số thứ tự của bước trong hồ sơ / The step's number in the dossier"
    seq: Int!
    "Bước đã thực hiện / The step taken"
    step: DossierStep!
    "Trạng thái sau bước / The status after the step"
    status: DossierStatus!
    "Cơ quan thực hiện bước / The agency that took the step"
    agency: String!
    "Người xử lý / The officer who took the step"
    officer: String
    "Ghi chú của bước / The step's note"
    note: String
    "Thời điểm thực hiện / When it was taken"
    at: DateTime!
    "Các thành phần hồ sơ bước này thêm vào / The document parts the step added"
    parts: [DossierPart!]!
    "Hồ sơ ở trạng thái hiện tại / The dossier as it stands now"
    dossier: Dossier
  }

  extend type Query {
    "Hồ sơ mà cơ quan gọi đã tiếp nhận, đang giữ hoặc đã xử lý / A dossier the calling agency received, holds or has handled"
    dossier(
      "Mã hồ sơ / The dossier's code"
      code: String!
    ): Dossier
    "Các thông điệp đang chờ hệ thống của cơ quan gọi (cơ quan đăng ký nhận qua hộp thư, delivery: inbox), cũ nhất trước / The messages waiting for the calling agency's system (agencies registered with delivery: inbox), oldest first"
    dossierInbox(
      "Số thông điệp tối đa, từ 1 đến 200 / How many messages at most, 1 to 200"
      first: Int = 50
    ): [InboxMessage!]!
  }

  "Thay đổi hồ sơ: mỗi bước cần header Idempotency-Key, mỗi yêu cầu một bước / Every step needs an Idempotency-Key header and takes one step per request"
  type Mutation {
    "Bộ phận một cửa nhận một hồ sơ (trạng thái NEW) / A one-stop desk receives a dossier (status NEW)"
    submitDossier(
      "Hồ sơ mới / The new dossier"
      input: SubmitDossierInput!
    ): Dossier!
    "Bộ phận một cửa tiếp nhận hồ sơ mới đăng ký (trạng thái ACCEPTED) / The one-stop desk accepts a new dossier (status ACCEPTED)"
    acceptDossier(
      "Mã hồ sơ / The dossier's code"
      code: String!
      "Phiên bản hồ sơ mà bước dựa vào; bước dựa trên hồ sơ đã cũ bị từ chối (VERSION_CONFLICT) / The dossier's version the step was decided on; a step decided on a stale dossier is refused (VERSION_CONFLICT)"
      expectedVersion: Int
      "Ghi chú của bước / The step's note"
      note: String
    ): Dossier!
    "Bộ phận một cửa từ chối tiếp nhận hồ sơ mới đăng ký (trạng thái REJECTED) / The one-stop desk rejects a new dossier (status REJECTED)"
    rejectDossier(
      "Mã hồ sơ / The dossier's code"
      code: String!
      "Phiên bản hồ sơ mà bước dựa vào; bước dựa trên hồ sơ đã cũ bị từ chối (VERSION_CONFLICT) / The dossier's version the step was decided on; a step decided on a stale dossier is refused (VERSION_CONFLICT)"
      expectedVersion: Int
      "Lý do từ chối tiếp nhận / Why the dossier is rejected"
      note: String!
    ): Dossier!
    "Chuyển hồ sơ cho cơ quan sẽ xử lý / Hands the dossier to the department that will handle it"
    transferDossier(
      "Mã hồ sơ / The dossier's code"
      code: String!
      "Cơ quan xử lý nhận hồ sơ / The department that receives it"
      to: String!
      "Phiên bản hồ sơ mà bước dựa vào; bước dựa trên hồ sơ đã cũ bị từ chối (VERSION_CONFLICT) / The dossier's version the step was decided on; a step decided on a stale dossier is refused (VERSION_CONFLICT)"
      expectedVersion: Int
      "Ghi chú của bước / The step's note"
      note: String
    ): Dossier!
    "Cơ quan xử lý ghi nhận tiến độ; trạng thái vẫn là PROCESSING / The handling department records progress; the status stays PROCESSING"
    addDossierProgress(
      "Mã hồ sơ / The dossier's code"
      code: String!
      "Phiên bản hồ sơ mà bước dựa vào; bước dựa trên hồ sơ đã cũ bị từ chối (VERSION_CONFLICT) / The dossier's version the step was decided on; a step decided on a stale dossier is refused (VERSION_CONFLICT)"
      expectedVersion: Int
      "Nội dung tiến độ xử lý / The progress made"
      note: String!
    ): Dossier!
    "Trả hồ sơ về bộ phận một cửa để thu thập giấy tờ còn thiếu / Back to the desk, which collects the missing papers"
    requestDossierSupplement(
      "Mã hồ sơ / The dossier's code"
      code: String!
      "Phiên bản hồ sơ mà bước dựa vào; bước dựa trên hồ sơ đã cũ bị từ chối (VERSION_CONFLICT) / The dossier's version the step was decided on; a step decided on a stale dossier is refused (VERSION_CONFLICT)"
      expectedVersion: Int
      "Giấy tờ cần bổ sung / The papers to supply"
      note: String!
    ): Dossier!
    "Bộ phận một cửa gửi lại hồ sơ cho cơ quan xử lý kèm các thành phần mới / The desk sends the dossier back to its department with the new parts"
    supplementDossier(
      "Mã hồ sơ / The dossier's code"
      code: String!
      "Phiên bản hồ sơ mà bước dựa vào; bước dựa trên hồ sơ đã cũ bị từ chối (VERSION_CONFLICT) / The dossier's version the step was decided on; a step decided on a stale dossier is refused (VERSION_CONFLICT)"
      expectedVersion: Int
      "Ghi chú của bước / The step's note"
      note: String
      "Các thành phần hồ sơ bổ sung / The new document parts"
      parts: [DossierPartInput!]!
    ): Dossier!
    "Cơ quan xử lý yêu cầu thực hiện nghĩa vụ tài chính; hồ sơ về bộ phận một cửa / The handling department asks for the financial obligations; the dossier goes to the desk"
    askDossierFees(
      "Mã hồ sơ / The dossier's code"
      code: String!
      "Phiên bản hồ sơ mà bước dựa vào; bước dựa trên hồ sơ đã cũ bị từ chối (VERSION_CONFLICT) / The dossier's version the step was decided on; a step decided on a stale dossier is refused (VERSION_CONFLICT)"
      expectedVersion: Int
      "Nghĩa vụ tài chính phải thực hiện / The financial obligations due"
      note: String!
    ): Dossier!
    "Bộ phận một cửa xác nhận đã thực hiện nghĩa vụ tài chính; hồ sơ trở lại cơ quan xử lý / The desk confirms the financial obligations were met; the dossier goes back to its department"
    confirmDossierFees(
      "Mã hồ sơ / The dossier's code"
      code: String!
      "Phiên bản hồ sơ mà bước dựa vào; bước dựa trên hồ sơ đã cũ bị từ chối (VERSION_CONFLICT) / The dossier's version the step was decided on; a step decided on a stale dossier is refused (VERSION_CONFLICT)"
      expectedVersion: Int
      "Ghi chú của bước / The step's note"
      note: String
    ): Dossier!
    "Rút hồ sơ theo yêu cầu của người nộp, khi hồ sơ còn đang mở / Withdraws the dossier at the applicant's request, while it is open"
    withdrawDossier(
      "Mã hồ sơ / The dossier's code"
      code: String!
      "Phiên bản hồ sơ mà bước dựa vào; bước dựa trên hồ sơ đã cũ bị từ chối (VERSION_CONFLICT) / The dossier's version the step was decided on; a step decided on a stale dossier is refused (VERSION_CONFLICT)"
      expectedVersion: Int
      "Ghi chú của bước / The step's note"
      note: String
    ): Dossier!
    "Dừng xử lý hồ sơ / Stops processing the dossier"
    stopDossier(
      "Mã hồ sơ / The dossier's code"
      code: String!
      "Phiên bản hồ sơ mà bước dựa vào; bước dựa trên hồ sơ đã cũ bị từ chối (VERSION_CONFLICT) / The dossier's version the step was decided on; a step decided on a stale dossier is refused (VERSION_CONFLICT)"
      expectedVersion: Int
      "Lý do dừng xử lý / Why processing stops"
      note: String!
    ): Dossier!
    "Cơ quan xử lý đã giải quyết xong; kết quả trở về bộ phận một cửa / The department is done; the result goes back to the desk"
    finishDossier(
      "Mã hồ sơ / The dossier's code"
      code: String!
      "Phiên bản hồ sơ mà bước dựa vào; bước dựa trên hồ sơ đã cũ bị từ chối (VERSION_CONFLICT) / The dossier's version the step was decided on; a step decided on a stale dossier is refused (VERSION_CONFLICT)"
      expectedVersion: Int
      "Ghi chú của bước / The step's note"
      note: String
      "Các thành phần hồ sơ bước này thêm vào, ví dụ văn bản kết quả / The document parts the step adds, e.g. the result"
      parts: [DossierPartInput!]
    ): Dossier!
    "Bộ phận một cửa trả kết quả (trạng thái RESULT_RETURNED) / The desk returns the result (status RESULT_RETURNED)"
    returnDossierResult(
      "Mã hồ sơ / The dossier's code"
      code: String!
      "Phiên bản hồ sơ mà bước dựa vào; bước dựa trên hồ sơ đã cũ bị từ chối (VERSION_CONFLICT) / The dossier's version the step was decided on; a step decided on a stale dossier is refused (VERSION_CONFLICT)"
      expectedVersion: Int
      "Ghi chú của bước / The step's note"
      note: String
    ): Dossier!
    "Đánh dấu các thông điệp trong hộp thư là đã nhận; trả về số thông điệp còn đang chờ trong số đó (xác nhận hai lần không thay đổi gì) / Marks inbox messages as received; returns how many were waiting (acknowledging twice changes nothing)"
    acknowledgeDossierMessages(
      "Mã các thông điệp cần xác nhận / The ids of the messages to acknowledge"
      messageIds: [ID!]!
    ): Int!
  }
`
