// The caseworker console (社会救助审核工作台): Vue 3 + Element Plus + vue-router (hash history, so a
// case id may sit in the URL but nothing personal ever does).
import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn.mjs'
import 'element-plus/dist/index.css'
import './console.css'
import App from './App.vue'
import { router } from './router.js'

createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount('#app')
