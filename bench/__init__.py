"""Speed benchmarks and reports, run from the repository's root as
`python -m bench.NAME` (CONTRIBUTING.md, "Speed").
"""
