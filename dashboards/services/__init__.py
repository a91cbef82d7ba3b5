"""Writes for dashboards: capacity settings and reductions, daily snapshots, digests."""
