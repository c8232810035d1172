"""The event store: PostgreSQL schema migrations, pure row mapping, and the `hadath sink` consumer."""
