"""Benchmarks for actorgraph: ingest throughput and scaling, question latency (`python -m benchmarks.run`)."""
