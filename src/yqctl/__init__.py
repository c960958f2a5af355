"""yqctl — 舆情事件登记、定级、处置与报告 (public-opinion incident control for schools)."""

__version__ = "0.1.0"
