# libFuzzer targets (issue 8): `make fuzz` builds them with clang; being written.
fuzz:
	@echo "fuzz targets: not written yet"
