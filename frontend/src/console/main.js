import { createApp, h } from 'vue'

createApp({ render: () => h('p', 'console') }).mount('#app')
