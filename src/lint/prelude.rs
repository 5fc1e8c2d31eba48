//! What rule files import: `use crate::lint::prelude::*;`.

pub(crate) use super::draft::Draft;
pub(crate) use super::rule::{Context, Drift, Emitter, declare_rule};
pub(crate) use super::shared::{Unique, checked_inputs, days, missing_row, report_problems};
pub(crate) use crate::input::problem::ProblemKind;
pub(crate) use crate::input::text::and_list;
