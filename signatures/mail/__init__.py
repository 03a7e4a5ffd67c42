"""Mail to signers: the outbox on the signature rows, its delivery, and what it says."""
