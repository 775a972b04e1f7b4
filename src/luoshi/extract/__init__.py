"""Quantities, deadlines, units and the pipeline that runs them: the extraction layer."""
