"""Identity and access: applicants (WeChat, SMS), staff (password + TOTP), tokens, scope."""
