// Chinese labels of the API's codes shared by the applicant's pages and the console
// (app/applications/schemas.py, domain.py): one wording for a code wherever it shows.

export const ASSISTANCE_TYPES = {
  dibao_urban: '城市低保', dibao_rural: '农村低保', tekun: '特困供养', low_income: '低收入家庭认定', temporary: '临时救助',
}
export const RELATIONS = {
  self: '本人', spouse: '配偶', child: '子女', parent: '父母', grandparent: '祖父母/外祖父母',
  grandchild: '孙子女/外孙子女', sibling: '兄弟姐妹', other: '其他',
}
export const EMPLOYMENT = {
  employed: '在职', self_employed: '个体经营', farming: '务农', unemployed: '失业/无业', student: '在校学生',
  retired: '退休', unable_to_work: '丧失劳动能力', preschool: '学龄前',
}
export const INCOME_KINDS = {
  wages: '工资性收入', business: '经营净收入', property: '财产净收入', pension_transfer: '养老金等转移净收入',
  support: '赡养（扶养、抚养）费', other: '其他收入',
}
export const EXPENDITURE_KINDS = { medical: '医疗支出', education: '教育支出', housing: '住房支出' }
export const DOCUMENT_KINDS = {
  id_card: '身份证', hukou_book: '户口簿', disability_certificate: '残疾证', medical_record: '病历或诊断证明',
  income_proof: '收入证明', other: '其他材料',
}
