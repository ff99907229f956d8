//! The typed stack, as written: names are still unresolved strings.
//! These types are also the source of `stackc schema`, so every doc comment
//! here is user documentation.

mod apps;
mod availability;
mod containers;
mod databases;
mod environments;
mod files;
mod jobs;
mod kdl;
mod platform;
mod ports;
mod probes;
mod schema;
mod stack;
mod workloads;

pub use apps::*;
pub use availability::*;
pub use containers::*;
pub use databases::*;
pub use environments::*;
pub use files::*;
pub use jobs::*;
pub use platform::*;
pub use ports::*;
pub use probes::*;
pub use schema::stack_schema;
pub use stack::*;
pub use workloads::*;
