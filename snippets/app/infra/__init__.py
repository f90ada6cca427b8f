"""Infrastructure adapters: database and outbound clients."""
