"""Proofs: each rule's Do passes a check that its Don't fails."""
