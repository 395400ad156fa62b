"""nfvpn-bench: the benchmark driver of nfvpn (see bench/README.md)."""
