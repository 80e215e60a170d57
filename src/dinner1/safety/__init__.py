"""Trust and safety: text moderation (more to come: reports, blocks, verification)."""
