//! The Atlas simulator (being written).
