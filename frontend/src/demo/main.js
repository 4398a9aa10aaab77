// The demo guide (/demo, demo mode only): how to walk through the flows by hand after `make run`.
import { createApp } from 'vue'
import './demo.css'
import App from './App.vue'

createApp(App).mount('#app')
