//! C ABI for `decp-core` — not implemented yet.
//!
//! This crate reserves the layout of the workspace (`libdecp.a` / `libdecp.so`,
//! `include/decp.h`); the C API (opaque handles, status codes, one free function per
//! allocation, panics caught) is planned in its own issue.
