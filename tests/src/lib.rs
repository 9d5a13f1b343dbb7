//! The cross-surface conformance suite lives in `tests/`; its data in `tests/data/`.
