import { createApp, h } from 'vue'

createApp({ render: () => h('p', 'sign') }).mount('#app')
