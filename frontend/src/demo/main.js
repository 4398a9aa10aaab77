import { createApp, h } from 'vue'

createApp({ render: () => h('p', 'demo') }).mount('#app')
