"""Local emulator of the Enclave management REST API, for tests, demos and benchmarks over loopback."""
