"""Electronic authorization (电子授权): one request per member who must consent."""
