"""The messaging backbone: transactional outbox, idempotent inbox consumer, broker set-up."""
