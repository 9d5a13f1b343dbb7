//! Runnable examples of the decp library: see `src/bin/`.
