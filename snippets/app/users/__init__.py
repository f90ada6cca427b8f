"""Users domain: accounts, registration and authentication."""
