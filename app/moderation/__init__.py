"""The département coordinators' work: the AVIP label, error reports from the public, and the
approval of new accounts, memberships and structures (``/coordination``)."""
