//! What the rules are tuned with: `[options]` of the configuration, and the command line.

use crate::model::Product;
use crate::model::date::Date;

/// What the rules are tuned with: `[options]` and `--as-of`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The date expiry and age rules measure against.
    pub as_of: Date,
    /// `as_of` was not given: it is today's date in UTC, and a time zone east of UTC may
    /// already be one day later (IN009 allows that day).
    pub as_of_is_today: bool,
    /// BK212: days of grace beyond each row's backup schedule.
    pub max_backup_age_days: u32,
    /// BK213, RS304: warn this many days before an expiry.
    pub expiry_warning_days: u32,
    /// The product, or `None` to take it from the topology's `ServiceVersion`.
    pub product: Option<Product>,
    /// Whether rules list every entity they checked (only the JUnit report shows them; on a
    /// large topology the lists cost time and memory).
    pub record_checked: bool,
    /// Exit 1 when readiness was not judged (`--require-readiness`, `require-readiness`).
    pub require_readiness: bool,
}

impl Options {
    /// The defaults, measuring against `as_of`.
    #[must_use]
    pub fn new(as_of: Date) -> Self {
        Self {
            as_of,
            as_of_is_today: false,
            max_backup_age_days: 0,
            expiry_warning_days: 30,
            product: None,
            record_checked: true,
            require_readiness: false,
        }
    }
}
