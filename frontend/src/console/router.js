import { createRouter, createWebHashHistory } from 'vue-router'
import { api } from './api.js'
import { homeOf, loadMe, session } from './session.js'
import LoginView from './views/LoginView.vue'
import QueueView from './views/QueueView.vue'
import CaseView from './views/CaseView.vue'
import CheckView from './views/CheckView.vue'
import NoticesView from './views/NoticesView.vue'
import DashboardView from './views/DashboardView.vue'

// Titles are fixed words: never a name, an ID number or a phone.
const routes = [
  { path: '/login', component: LoginView, meta: { title: '登录', public: true } },
  { path: '/queue', component: QueueView, meta: { title: '待办案件', roles: ['village_worker', 'township_worker', 'district_worker', 'verification_officer', 'auditor'] } },
  { path: '/cases/:id(\\d+)', component: CaseView, props: true, meta: { title: '案件档案', roles: ['village_worker', 'township_worker', 'district_worker', 'verification_officer', 'auditor'] } },
  { path: '/checks/:id(\\d+)', component: CheckView, props: true, meta: { title: '核对报告', roles: ['village_worker', 'township_worker', 'district_worker', 'verification_officer', 'auditor'] } },
  { path: '/notices', component: NoticesView, meta: { title: '公示预览' } },
  { path: '/dashboard', component: DashboardView, meta: { title: '统计看板', roles: ['village_worker', 'township_worker', 'district_worker', 'verification_officer', 'auditor'] } },
  { path: '/:rest(.*)*', redirect: '/queue' },
]

export const router = createRouter({ history: createWebHashHistory(), routes })

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  if (!api.signedIn()) return { path: '/login' }
  if (!session.me && !(await loadMe())) return { path: '/login' }
  if (to.meta.roles && !to.meta.roles.includes(session.me.role)) {
    const home = homeOf(session.me.role)
    return to.path === home ? true : { path: home }
  }
  return true
})

router.afterEach((to) => {
  document.title = `${to.meta.title || '工作台'} - 社会救助审核工作台`
})
