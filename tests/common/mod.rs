//! Test environments built by hand (the same hierarchy as examples/contoso.toml), so the engine
//! can be tested without the input layer.
#![allow(dead_code)]

use cmplan::model::*;
use cmplan::plan::{self, Plan, PlanOptions};
use cmplan::templates::Templates;

#[allow(clippy::too_many_arguments)]
pub fn site(
    code: &str,
    name: &str,
    site_type: SiteType,
    parent: Option<&str>,
    version: SiteVersion,
    security: SecurityMode,
    site_server: &str,
    database_server: Option<&str>,
    clients: u64,
) -> Site {
    Site {
        code: SiteCode::parse(code).unwrap(),
        name: name.to_string(),
        site_type,
        parent: parent.map(|p| SiteCode::parse(p).unwrap()),
        version,
        security,
        site_server: site_server.to_string(),
        database_server: database_server.map(str::to_string),
        database_size_mb: None,
        clients,
        legacy_clients: 0,
        feature_packs: Vec::new(),
        children: Vec::new(),
        depth: 0,
        wave: None,
    }
}

pub fn server(name: &str, site: Option<&str>, os: OsVersion) -> Server {
    Server {
        name: name.to_string(),
        site: site.map(|s| SiteCode::parse(s).unwrap()),
        os,
        sql: None,
        sql_replication: false,
        free_disk_gb: None,
        internet_access: false,
        roles: Vec::new(),
        webdav: false,
        bits: false,
    }
}

pub fn plan_info(target: TargetMedia) -> PlanInfo {
    PlanInfo {
        title: "Contoso SMS 2003 to Configuration Manager 2007 upgrade".into(),
        organisation: Some("Contoso Ltd".into()),
        change_reference: Some("CHG-2027-0042".into()),
        prepared_by: Some("Jane Planner".into()),
        target,
        order: cmplan::model::SiteOrder::Tiers,
        pilot: None,
        client_method: None,
    }
}

/// examples/contoso.toml, field by field.
pub fn contoso_parts() -> (Vec<Site>, Vec<Server>) {
    use OsVersion::*;
    use SecurityMode::*;
    use SiteType::*;
    use SiteVersion::*;
    let mut cen = site(
        "CEN",
        "Contoso Central",
        Primary,
        None,
        Sms2003Sp3,
        Advanced,
        "CEN-SMS01",
        Some("CEN-SQL01"),
        1200,
    );
    cen.database_size_mb = Some(18000.0);
    cen.feature_packs = vec!["itmu".into()];
    let mut nyc = site(
        "NYC",
        "New York",
        Primary,
        Some("CEN"),
        Sms2003Sp2,
        Advanced,
        "NYC-SMS01",
        Some("NYC-SMS01"),
        8000,
    );
    nyc.feature_packs = vec!["itmu".into(), "osd".into()];
    let bos = site(
        "BOS",
        "Boston branch",
        Secondary,
        Some("NYC"),
        Sms2003Sp2,
        Advanced,
        "BOS-SEC01",
        None,
        350,
    );
    let phl = site(
        "PHL",
        "Philadelphia branch",
        Secondary,
        Some("NYC"),
        Sms2003Sp3,
        Advanced,
        "PHL-SEC01",
        None,
        120,
    );
    let mut lon = site(
        "LON",
        "London",
        Primary,
        Some("CEN"),
        Sms2003Sp1,
        Standard,
        "LON-SMS01",
        Some("LON-SQL01"),
        5200,
    );
    lon.legacy_clients = 140;
    let par = site(
        "PAR",
        "Paris",
        Primary,
        Some("LON"),
        Sms2003Sp2,
        Advanced,
        "PAR-SMS01",
        Some("LON-SQL01"),
        2600,
    );
    let man = site(
        "MAN",
        "Manchester branch",
        Secondary,
        Some("LON"),
        Sms2003Sp2,
        Advanced,
        "MAN-SEC01",
        None,
        90,
    );

    use Role::*;
    let mut s = Vec::new();
    let mut x = server("CEN-SMS01", Some("CEN"), Windows2003Sp2);
    x.free_disk_gb = Some(60.0);
    x.internet_access = true;
    x.roles = vec![ManagementPoint, DistributionPoint, ReportingPoint];
    x.webdav = true;
    x.bits = true;
    s.push(x);
    let mut x = server("CEN-SQL01", None, Windows2003Sp2);
    x.sql = Some(SqlVersion::Sql2005Sp2);
    x.free_disk_gb = Some(120.0);
    s.push(x);
    let mut x = server("NYC-SMS01", Some("NYC"), Windows2003Sp1);
    x.sql = Some(SqlVersion::Sql2005Sp1);
    x.free_disk_gb = Some(14.0);
    x.roles = vec![DistributionPoint];
    s.push(x);
    let mut x = server("NYC-MP01", Some("NYC"), Windows2003Sp2);
    x.roles = vec![ManagementPoint];
    x.bits = true;
    s.push(x);
    let mut x = server("BOS-SEC01", Some("BOS"), Windows2003Sp2);
    x.free_disk_gb = Some(25.0);
    x.roles = vec![DistributionPoint];
    s.push(x);
    let mut x = server("PHL-SEC01", Some("PHL"), Windows2000Sp4);
    x.free_disk_gb = Some(9.0);
    x.roles = vec![DistributionPoint];
    s.push(x);
    let mut x = server("LON-SMS01", Some("LON"), Windows2003Sp2);
    x.free_disk_gb = Some(30.0);
    x.roles = vec![ManagementPoint, DistributionPoint, ClientAccessPoint];
    x.webdav = true;
    s.push(x);
    let mut x = server("LON-SQL01", None, Windows2003Sp2);
    x.sql = Some(SqlVersion::Sql2000Sp4);
    x.sql_replication = true;
    x.free_disk_gb = Some(20.0);
    s.push(x);
    let mut x = server("PAR-SMS01", Some("PAR"), Windows2003R2Sp2);
    x.free_disk_gb = Some(45.0);
    x.roles = vec![ManagementPoint, DistributionPoint];
    x.webdav = true;
    s.push(x);
    let mut x = server("MAN-SEC01", Some("MAN"), Windows2003Sp2);
    x.free_disk_gb = Some(18.0);
    x.roles = vec![DistributionPoint];
    s.push(x);
    (vec![cen, nyc, bos, phl, lon, par, man], s)
}

pub fn environment(sites: Vec<Site>, servers: Vec<Server>, custom: Vec<CustomTask>) -> Environment {
    Environment::new(
        plan_info(TargetMedia::Sp1),
        ActiveDirectory {
            schema_extended: SchemaExtension::None,
            sites_publish: false,
        },
        Estimates {
            database_mb_per_client: 2.0,
            headroom_percent: cmplan::model::DEFAULT_HEADROOM_PERCENT,
        },
        vec![
            Console {
                computer: "ADM-WS01".into(),
            },
            Console {
                computer: "ADM-WS02".into(),
            },
        ],
        sites,
        servers,
        custom,
        "0".repeat(64),
    )
}

pub fn contoso() -> Environment {
    let (sites, servers) = contoso_parts();
    environment(sites, servers, Vec::new())
}

pub fn options() -> PlanOptions {
    PlanOptions {
        date: "2027-03-01".into(),
        revision: 1,
        templates: Templates::embedded(),
    }
}

pub fn build(env: &Environment) -> Plan {
    plan::build(env, &options()).expect("plan builds")
}

/// Position of a task in execution order (panics with the list of IDs when it is missing).
pub fn pos(plan: &Plan, id: &str) -> usize {
    plan.tasks().position(|t| t.id == id).unwrap_or_else(|| {
        let ids: Vec<&str> = plan.tasks().map(|t| t.id.as_str()).collect();
        panic!("no task {id}; tasks: {ids:?}")
    })
}
