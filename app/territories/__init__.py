"""Territories: AVIP coverage, unmet needs and outcomes by département and commune, for those
who steer the AVIP policy (issue 17). Figures are plain query functions (:mod:`.queries`)."""
