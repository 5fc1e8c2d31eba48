//! The third stage: facts derived from the model that several rules, reports and commands
//! share: what a restore rebuilds and which rows cover what (`restore`), how a topology changed
//! since the backup (`drift`), which SQL Server releases each product supports
//! (`sql_support`), and which Front End pools are paired (`pairs`).

pub mod drift;
pub mod evidence;
pub mod facts;
pub mod pairs;
pub mod restore;
pub mod sql_support;
