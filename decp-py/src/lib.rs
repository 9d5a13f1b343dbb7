//! Python bindings for `decp-core` (package `decp`) — not implemented yet.
//!
//! Built with maturin, outside the default workspace members; the pyo3 module is
//! planned in its own issue.
