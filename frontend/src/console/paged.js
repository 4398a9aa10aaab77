// One page of a list the API pages (X-Pagination): its rows, the total, the page number, whether it
// is loading and the problem to show. `path(page)` gives the API path of a page; `first()` starts over.
import { ref } from 'vue'
import { api } from './api.js'

export function usePaged(path) {
  const rows = ref([])
  const total = ref(0)
  const page = ref(1)
  const loading = ref(false)
  const problem = ref('')

  async function load() {
    const url = path(page.value)
    if (!url) return
    loading.value = true
    problem.value = ''
    try {
      const data = await api.get(url)
      rows.value = data
      total.value = (data.pagination && data.pagination.total) || data.length
    } catch (error) {
      problem.value = error.message
      rows.value = []
    } finally {
      loading.value = false
    }
  }

  function first() {
    page.value = 1
    load()
  }

  return { rows, total, page, loading, problem, load, first }
}
