"""mitwirken's benchmarks: each figure next to its baseline measured in the same run."""
