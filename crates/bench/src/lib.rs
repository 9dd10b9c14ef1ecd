//! Support for `bench/run.sh`: see the binaries `accountd-baseline` and `accountd-seed`.
