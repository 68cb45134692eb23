"""Projects, reference resolution and orphans.

`analysis.analyse_production` runs all three with lineage; `orphans.find_orphans`,
`summary.summarise_projects` and `analysis.lineage_edges` run one each. Kept free of
imports so `mediaopt.engine.lineage` can use the index and resolver without a cycle.
"""
