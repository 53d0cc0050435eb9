//! The servers of the description as the plan keeps them, for comparing revisions
//! (`regen::diff` reads them from both plans).

use super::model::ServerSummary;
use crate::model::Environment;

/// The servers of the description, as the plan keeps them for comparing revisions.
pub fn server_inventory(env: &Environment) -> Vec<ServerSummary> {
    env.servers
        .iter()
        .map(|s| ServerSummary {
            name: s.name.clone(),
            site: s.site.as_ref().map(|c| c.to_string()),
            os: s.os.to_string(),
            sql: s.sql.map(|v| v.to_string()),
            sql_replication: s.sql_replication,
            free_disk_mb: s.free_disk_gb.map(|gb| gb * 1024.0),
            roles: s.roles.iter().map(|r| r.to_string()).collect(),
            disk: None,
        })
        .collect()
}
