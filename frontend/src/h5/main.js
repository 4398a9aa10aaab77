// The applicant H5 (/): WeChat official-account look, Vant components, hash routes (the server
// serves one page whatever the path), large-text mode on every screen.
import { createApp } from 'vue'
import { createRouter, createWebHashHistory } from 'vue-router'
import Vant from 'vant'
import 'vant/lib/index.css'
import '../common/large-text.js'
import './h5.css'
import App from './App.vue'
import { api } from './api.js'
import { finishWechatLogin } from './wechat.js'
import { loginError } from './session.js'

const routes = [
  { path: '/', component: () => import('./views/Home.vue'), meta: { title: '社会救助掌上办', tab: 'home' } },
  { path: '/login', component: () => import('./views/Login.vue'), meta: { title: '登录', public: true } },
  { path: '/apply', component: () => import('./views/Apply.vue'), meta: { title: '申请救助', back: '/' } },
  { path: '/applications', component: () => import('./views/Applications.vue'), meta: { title: '我的申请', tab: 'applications' } },
  { path: '/applications/:id(\\d+)', component: () => import('./views/Application.vue'), meta: { title: '申请详情', back: '/applications' } },
  { path: '/inbox', component: () => import('./views/Inbox.vue'), meta: { title: '消息', tab: 'inbox' } },
  { path: '/me', component: () => import('./views/Me.vue'), meta: { title: '我的', tab: 'me' } },
  { path: '/:rest(.*)*', redirect: '/' },
]

async function start() {
  loginError.value = await finishWechatLogin()
  const router = createRouter({ history: createWebHashHistory(), routes, scrollBehavior: () => ({ top: 0 }) })
  router.beforeEach((to) => {
    if (!to.meta.public && !api.signedIn()) return { path: '/login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
    return true
  })
  // Titles name the screen, never the person or the case.
  router.afterEach((to) => { document.title = `${to.meta.title || ''} - 社会救助掌上办` })
  createApp(App).use(router).use(Vant).mount('#app')
}

start()
