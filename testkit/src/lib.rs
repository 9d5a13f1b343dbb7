//! Test and bench support for decp, kept out of the published `decp-core`: a
//! deterministic generator of realistic synthetic records and documents
//! ([`synth`]), and proptest strategies for arbitrary valid records
//! ([`strategies`]). Nothing generated is committed; large inputs are generated at
//! test time.

pub mod strategies;
pub mod synth;
