"""Maps drawn by the server as SVG: outlines, projection, clustering, choropleth (no Flask).

The pieces are plain functions and dataclasses; templates under ``templates/maps/`` draw them.
Outlines: IGN ADMIN EXPRESS (Licence Ouverte), see ``data/SOURCES.md``.
"""

ATTRIBUTION = "Contours : IGN – ADMIN EXPRESS COG 2018, Licence Ouverte"
