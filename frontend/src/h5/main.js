import { createApp, h } from 'vue'

createApp({ render: () => h('p', 'h5') }).mount('#app')
