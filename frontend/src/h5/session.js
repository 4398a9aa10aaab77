import { ref } from 'vue'

// A WeChat log-in that failed on the way back: shown on the log-in page.
export const loginError = ref(null)
