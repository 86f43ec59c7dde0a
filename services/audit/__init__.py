"""The audit trail: its hash chain, searches of it, and oversight of reads of victim information."""
