// Chinese labels for the API's codes (app/applications/schemas.py, domain.py).
import { showConfirmDialog } from 'vant'
import { chinaTime } from '../common/time.js'

export { ASSISTANCE_TYPES, DOCUMENT_KINDS, EMPLOYMENT, EXPENDITURE_KINDS, INCOME_KINDS, RELATIONS } from '../common/labels.js'

export const HUKOU_TYPES = { rural: '农业户口（农村）', urban: '非农业户口（城镇）' }
export const CAPACITY = { full: '完全民事行为能力', limited: '限制民事行为能力', none: '无民事行为能力' }
export const DISABILITY = { 0: '无残疾', 1: '一级残疾', 2: '二级残疾', 3: '三级残疾', 4: '四级残疾' }
export const TEKUN_CARE = { centralized: '集中供养', dispersed: '分散供养' }
export const TEMPORARY_KINDS = { emergency: '急难型', expenditure: '支出型' }
export const TEMPORARY_CAUSES = {
  accident: '意外事故', crime: '刑事案件', illness: '疾病', disaster: '自然灾害', fire: '火灾', expenditure: '刚性支出过大',
  other: '其他',
}
// Evidence every application of a type must carry (REQUIRED_DOCUMENTS in app/applications/domain.py).
export const REQUIRED_DOCUMENTS = {
  dibao_urban: ['id_card', 'hukou_book'], dibao_rural: ['id_card', 'hukou_book'], tekun: ['id_card', 'hukou_book'],
  low_income: ['id_card', 'hukou_book'], temporary: ['id_card'],
}
export const STATUS = {
  draft: '草稿', submitted: '已提交', authorizing: '等待授权', checking: '核对中', village_review: '村（社区）审核',
  township_confirmation: '乡镇（街道）确认', district_filing: '区县审批', approved: '已批准', rejected: '未获批准',
  returned: '已退回', resubmitted: '已重新提交', withdrawn: '已撤回', revoked: '已撤销',
}
export const STATUS_TAG = { approved: 'success', rejected: 'danger', returned: 'warning', draft: 'default', withdrawn: 'default', revoked: 'danger' }
export const SIGN_STATUS = {
  pending: '待签署', signed: '已签署，待核实', confirmed: '已确认', rejected: '被退回，需重签', revoked: '已撤回授权', expired: '已过期',
}
export const SIGN_TAG = { pending: 'warning', signed: 'primary', confirmed: 'success', rejected: 'danger', revoked: 'danger', expired: 'default' }

export const asOptions = (labels) => Object.entries(labels).map(([value, text]) => ({ value, text }))

export const formatTime = (value) =>
  chinaTime(value, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })

// Vant's confirm dialog rejects on 取消: answer true or false instead.
export const confirmed = (options) => showConfirmDialog(options).then(() => true, () => false)
