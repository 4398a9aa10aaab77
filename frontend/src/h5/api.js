// The applicant's client: its tokens are kept apart from the console's and the signer's.
import { createClient } from '../common/api.js'

export const api = createClient('shjz.applicant')
