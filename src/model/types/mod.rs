//! The typed stack, as written: names are still unresolved strings.
//! These types are also the source of `stackc schema`, so every doc comment
//! here is user documentation.

mod availability;
mod environments;
mod platform;
mod stack;
mod workloads;

pub use availability::*;
pub use environments::*;
pub use platform::*;
pub use stack::*;
pub use workloads::*;
