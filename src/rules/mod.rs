//! The rule catalogue: one file per rule, registered by one line in [`ALL`].
//!
//! A rule file declares its metadata and documentation with
//! [`declare_rule!`](crate::lint::rule::declare_rule), implements a check over the
//! [`Context`](crate::lint::rule::Context) (typed model values with spans; never raw XML, never
//! printing), and carries its unit tests.

use crate::lint::rule::{Registry, RuleDef};

mod bk201_backup_share_in_pool;
mod bk202_backup_share_reused;
mod bk203_backup_destination_local;
mod bk204_user_data_backup_missing;
mod bk205_cms_backup_missing;
mod bk206_rgs_config_backup_missing;
mod bk207_archiving_monitoring_backup_missing;
mod bk208_persistent_chat_backup_missing;
mod bk209_file_store_backup_missing;
mod bk210_meeting_active_not_excluded;
mod bk211_backup_schedule_missing;
mod bk212_backup_stale;
mod bk213_backup_set_expiring;
mod bk214_worksheet_unknown_server;
mod bk215_worksheet_field_blank;
mod bk216_unneeded_database_backup;
mod dr501_fqdn_changed_since_backup;
mod dr502_file_store_path_changed;
mod dr503_sql_instance_changed;
mod dr504_cms_moved;
mod dr505_added_since_backup;
mod ev601_backup_artefact_missing;
mod ev602_backup_artefact_empty;
mod ev603_backup_claim_unproven;
mod ev604_backup_archive_unreadable;
mod ha401_mirror_without_witness;
mod ha402_witness_on_partner_host;
mod ha403_mirror_on_same_host;
mod ha404_mirror_version_mismatch;
mod ha405_mirror_cross_domain;
mod ha406_mirror_port_conflict;
mod ha407_mirroring_unsupported;
mod ha408_pool_pair_invalid;
mod ha409_pool_pair_ha_mismatch;
mod ha410_pool_pair_same_site;
mod ha411_cms_pool_unpaired;
mod ha412_shared_witness;
mod ha413_witness_shares_partner_fate;
mod in001_io_error;
mod in002_decode_error;
mod in003_xml_syntax;
mod in004_unrecognized_document;
mod in005_worksheet_syntax;
mod in006_unresolved_placeholder;
mod in007_stale_exemption;
mod in008_ambiguous_deployment;
mod in009_invalid_value;
mod rs301_no_same_fqdn_replacement;
mod rs302_sql_instance_unrecorded;
mod rs303_certificate_not_backed_up;
mod rs304_certificate_expiring;
mod rs305_sql_version_unsupported;
mod rs306_computer_account_not_retained;
mod tp101_duplicate_fqdn;
mod tp102_dangling_reference;
mod tp103_missing_fqdn;
mod tp104_single_label_host;
mod tp105_no_central_management_store;
mod tp106_file_store_on_front_end;
mod tp107_shared_sql_backend;
mod tp108_legacy_pool_present;

#[cfg(test)]
pub(crate) mod test_util;

/// Every rule, sorted by code.
pub static ALL: &[&RuleDef] = &[
    &bk201_backup_share_in_pool::RULE,
    &bk202_backup_share_reused::RULE,
    &bk203_backup_destination_local::RULE,
    &bk204_user_data_backup_missing::RULE,
    &bk205_cms_backup_missing::RULE,
    &bk206_rgs_config_backup_missing::RULE,
    &bk207_archiving_monitoring_backup_missing::RULE,
    &bk208_persistent_chat_backup_missing::RULE,
    &bk209_file_store_backup_missing::RULE,
    &bk210_meeting_active_not_excluded::RULE,
    &bk211_backup_schedule_missing::RULE,
    &bk212_backup_stale::RULE,
    &bk213_backup_set_expiring::RULE,
    &bk214_worksheet_unknown_server::RULE,
    &bk215_worksheet_field_blank::RULE,
    &bk216_unneeded_database_backup::RULE,
    &dr501_fqdn_changed_since_backup::RULE,
    &dr502_file_store_path_changed::RULE,
    &dr503_sql_instance_changed::RULE,
    &dr504_cms_moved::RULE,
    &dr505_added_since_backup::RULE,
    &ev601_backup_artefact_missing::RULE,
    &ev602_backup_artefact_empty::RULE,
    &ev603_backup_claim_unproven::RULE,
    &ev604_backup_archive_unreadable::RULE,
    &ha401_mirror_without_witness::RULE,
    &ha402_witness_on_partner_host::RULE,
    &ha403_mirror_on_same_host::RULE,
    &ha404_mirror_version_mismatch::RULE,
    &ha405_mirror_cross_domain::RULE,
    &ha406_mirror_port_conflict::RULE,
    &ha407_mirroring_unsupported::RULE,
    &ha408_pool_pair_invalid::RULE,
    &ha409_pool_pair_ha_mismatch::RULE,
    &ha410_pool_pair_same_site::RULE,
    &ha411_cms_pool_unpaired::RULE,
    &ha412_shared_witness::RULE,
    &ha413_witness_shares_partner_fate::RULE,
    &in001_io_error::RULE,
    &in002_decode_error::RULE,
    &in003_xml_syntax::RULE,
    &in004_unrecognized_document::RULE,
    &in005_worksheet_syntax::RULE,
    &in006_unresolved_placeholder::RULE,
    &in007_stale_exemption::RULE,
    &in008_ambiguous_deployment::RULE,
    &in009_invalid_value::RULE,
    &rs301_no_same_fqdn_replacement::RULE,
    &rs302_sql_instance_unrecorded::RULE,
    &rs303_certificate_not_backed_up::RULE,
    &rs304_certificate_expiring::RULE,
    &rs305_sql_version_unsupported::RULE,
    &rs306_computer_account_not_retained::RULE,
    &tp101_duplicate_fqdn::RULE,
    &tp102_dangling_reference::RULE,
    &tp103_missing_fqdn::RULE,
    &tp104_single_label_host::RULE,
    &tp105_no_central_management_store::RULE,
    &tp106_file_store_on_front_end::RULE,
    &tp107_shared_sql_backend::RULE,
    &tp108_legacy_pool_present::RULE,
];

/// The registry, as the engine and the configuration take it.
pub const REGISTRY: Registry = Registry(ALL);

/// Finds a rule by code or name (case-insensitive).
#[must_use]
pub fn find(key: &str) -> Option<&'static RuleDef> {
    REGISTRY.find(key)
}
