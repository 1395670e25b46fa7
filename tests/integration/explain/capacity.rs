//! Capacity formulas.
