//! Tests of the `NetworkPolicy` semantics evaluator (`verify::netpol`).

mod basics;
mod common;
mod docs;
mod equivalence;
mod explain;
mod ipblock;
mod parsing;
mod peers;
mod ports;
mod props;
mod scale;
mod stackgen;
mod units;
