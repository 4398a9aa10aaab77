// The console's own API client (staff tokens kept apart from the applicant's) and the words it shows.
import { createClient } from '../common/api.js'
import { chinaTime } from '../common/time.js'

export { ApiError, yuan } from '../common/api.js'
export { ASSISTANCE_TYPES, DOCUMENT_KINDS, EMPLOYMENT, EXPENDITURE_KINDS, INCOME_KINDS, RELATIONS } from '../common/labels.js'

export const api = createClient('shjz.console.tokens')

export const ROLES = {
  village_worker: '村（居）经办人', township_worker: '乡镇（街道）经办人', district_worker: '县（区）民政经办人',
  verification_officer: '核对员', admin: '系统管理员', auditor: '审计员', applicant: '申请人',
}
export const CASEWORKERS = ['village_worker', 'township_worker', 'district_worker']
export const CASE_READERS = [...CASEWORKERS, 'verification_officer', 'auditor']

export const STATUSES = {
  draft: '草稿', submitted: '已提交', authorizing: '授权签署中', checking: '核对中', village_review: '村（居）审核',
  township_confirmation: '乡镇（街道）确认', district_filing: '县（区）备案', approved: '已批准', rejected: '不予批准',
  returned: '已退回补充材料', resubmitted: '已重新提交', withdrawn: '已撤回', revoked: '已撤销',
}
// The step of each review stage belongs to one level (seed 001).
export const STEP_ROLE = { village_review: 'village_worker', township_confirmation: 'township_worker', district_filing: 'district_worker' }
// QUEUE_STAGES in app/review/domain.py
export const QUEUE_STAGES = ['authorizing', 'checking', 'village_review', 'township_confirmation', 'district_filing']
export const REVIEW_PATHS = { standard: '标准流程', small_temporary: '小额临时救助（乡镇审批）', commitment: '告知承诺（简化）' }
export const AUTH_STATUSES = {
  pending: '待签署', signed: '已签署，待确认', confirmed: '已确认', rejected: '已驳回', revoked: '已撤回', expired: '已过期',
}
export const CHECK_STATUSES = { queued: '排队中', running: '核对中', done: '已完成', failed: '核对失败' }
export const OUTCOMES = { eligible: '符合条件', ineligible: '不符合条件', gradual_exit: '渐退', undetermined: '无法判定' }
export const CONSISTENCY = { consistent: '申报与核对结果基本一致', inconsistent: '申报与核对结果不一致', not_checked: '未能核对' }
export const FINDING_OUTCOMES = { pass: '通过', fail: '不通过', missing: '缺少信息', info: '说明' }
export const DECISION_OUTCOMES = { approve: '通过', reject: '不予批准', return: '退回补充材料', revoke: '撤销救助' }

export const label = (table, code) => (code === null || code === undefined ? '—' : table[code] || code)

export const dateTime = (value) => chinaTime(value) || '—'


// A case file with its ETag (the version a decision must name in If-Match).
export async function loadCase(id, revealReason) {
  const query = revealReason ? `?reveal_reason=${encodeURIComponent(revealReason)}` : ''
  const response = await api.get(`/staff/cases/${id}${query}`, { raw: true })
  const data = await response.json()
  return { data, etag: response.headers.get('ETag') || `"v${data.version}"` }
}
