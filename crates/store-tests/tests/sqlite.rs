//! The conformance stories on SQLite (always).

accountd_store_tests::conformance_tests!(accountd_store_tests::harness::run_sqlite);
