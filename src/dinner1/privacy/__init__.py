"""Privacy rights: consents, export, deletion, anonymization, and the staff access log."""
