"""The search the alerts' tests save: Toulon, 10 km (as the results page's link writes it)."""

TOULON_10 = "/alertes/nouvelle?lieu=Toulon+%2883+%E2%80%93+Var%29&code_insee=83137&rayon=10"
