"""The map's spatial queries (docs/decisions.md §19): which locations and settlements lie near a
point, within a region or in a viewport, and whether two regions overlap.

Each query authorizes first (a world's map through the campaigns that use it, settlements per
campaign and branch), then reads its answer from the cache under the world's map generation
(``cache.py``), else narrows the world's locations with the indexed bounding-box columns
(``index.py``) and lets shapely decide the exact predicate on what remains (``shapes.py``).
Distances and coordinates are in map units: maps are planes, there are no spatial reference
systems to convert between.
"""
