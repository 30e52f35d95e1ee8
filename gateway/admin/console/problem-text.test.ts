import { describe, expect, it } from 'vitest'
import { en } from './i18n/en.js'
import { vi } from './i18n/vi.js'
import { problemText } from './problem-text.js'

describe('problemText', () => {
  it.each([
    ['file name: agencies/<id>.yaml or purposes.yaml', 'Tên tệp phải là agencies/<mã>.yaml hoặc purposes.yaml'],
    ['Citizen.noSuchField: Citizen has no field noSuchField', 'Kiểu Citizen không có trường noSuchField trong lược đồ'],
    ['no object type Nothing in the schema', 'Lược đồ không có kiểu Nothing'],
    ['purpose THU_THUE is not in purposes.yaml', 'Mục đích THU_THUE chưa được khai báo trong purposes.yaml'],
    ['Unrecognized key: "grant"', 'Có trường không được hỗ trợ'],
    ['Invalid option: expected one of "EC"|"OKP"', 'Giá trị không thuộc danh sách cho phép'],
    ['Invalid input: expected string, received undefined', 'Thiếu trường bắt buộc hoặc sai kiểu dữ liệu'],
    ['client c-1 is also defined in agencies/b.yaml', 'Bị khai báo trùng'],
    ['unknown data class pinn (known: pin, taxCode)', 'Không có nhóm dữ liệu này'],
    [
      'grant g declares data class legacyIdNumber plain but reads none of its fields (Citizen.legacyIdNumber)',
      'Quyền khai báo cách hiển thị nhóm dữ liệu legacyIdNumber nhưng không đọc trường nào của nhóm này',
    ],
    [
      'grant g reads Citizen.pin (data class pin) without saying how it is shown: add mask: { pin: … } or plain: [pin]',
      'Quyền đọc nhóm dữ liệu pin nhưng chưa nói cách hiển thị: thêm mask (che) hoặc plain (hiện rõ)',
    ],
    ['grant g both masks data class pin (last4) and declares it plain', 'Nhóm dữ liệu pin: mỗi nhóm chỉ một cách hiển thị (che hoặc hiện rõ) cho mỗi mục đích'],
    [
      'data class phone is masked by grant a (last4) and plain in grant b (Citizen.phone) for purpose X: one treatment per class and purpose',
      'Nhóm dữ liệu phone: mỗi nhóm chỉ một cách hiển thị (che hoặc hiện rõ) cho mỗi mục đích',
    ],
    ['Nested mappings are not allowed in compact mappings at line 1, column 4:', 'Lỗi cú pháp YAML'],
    ['something the console has no words for', 'Nội dung không hợp lệ'],
  ])('%s', (message, words) => {
    expect(problemText(vi, { message })).toBe(`${words} — ${message}`)
    // In English the validator's own sentence is the message.
    expect(problemText(en, { message })).toBe(message)
  })
})
