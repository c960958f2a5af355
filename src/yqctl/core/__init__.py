"""The pure domain core: models, policy engine, deadline arithmetic, report aggregation.

Nothing in this package reads files, the clock or the environment; the edges pass everything in.
"""
