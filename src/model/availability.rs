//! Lowering `availability` (an app's disruption budget and spread).

use super::lower::one_of;
use super::reader::Reader;
use super::types::{Availability, Spread};
use crate::diagnostic::{Diagnostics, Spanned};
use crate::syntax::Node;

/// `availability max-unavailable=1 spread="soft" budget=#true`
pub(super) fn availability(node: &Node, d: &mut Diagnostics) -> Availability {
    let r = Reader::new(node, 0, &["max-unavailable", "spread", "budget"], &[], d);
    let spread = r.string("spread", d).and_then(|s| {
        let value = match s.value.as_str() {
            "soft" => Spread::Soft,
            "hard" => Spread::Hard,
            "off" => Spread::Off,
            other => {
                d.push(one_of(s.span, "spread", other, &["soft", "hard", "off"]));
                return None;
            }
        };
        Some(Spanned::new(value, s.span))
    });
    Availability {
        max_unavailable: r.integer("max-unavailable", "max-unavailable is 1 or more", d),
        budget: r.bool("budget", true, d),
        spread,
        span: node.name_span,
    }
}
