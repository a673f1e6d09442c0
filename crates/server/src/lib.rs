//! The switchboard library: wiring used by the binary and by tests.
