"""Messages to people (SMS now; WeChat and in-app later), written to an outbox and sent after commit."""
