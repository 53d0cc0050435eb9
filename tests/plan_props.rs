//! Property tests over generated hierarchies: order invariants, unique and stable IDs, estimates
//! that equal their formula, and a fix for every blocker.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use cmplan::model::*;
use cmplan::plan::{self, Plan, Severity};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Gen {
    sites: Vec<Site>,
    servers: Vec<Server>,
    target: TargetMedia,
    schema: SchemaExtension,
    publish: bool,
    mb_per_client: f64,
    consoles: usize,
}

const VERSIONS: [SiteVersion; 8] = [
    SiteVersion::Sms20,
    SiteVersion::Sms2003Rtm,
    SiteVersion::Sms2003Sp1,
    SiteVersion::Sms2003Sp2,
    SiteVersion::Sms2003Sp3,
    SiteVersion::ConfigMgr2007Rtm,
    SiteVersion::ConfigMgr2007Sp1,
    SiteVersion::ConfigMgr2007Sp2,
];
const OSES: [OsVersion; 9] = [
    OsVersion::Windows2000Sp4,
    OsVersion::Windows2003Rtm,
    OsVersion::Windows2003Sp1,
    OsVersion::Windows2003Sp2,
    OsVersion::Windows2003R2,
    OsVersion::Windows2003R2Sp2,
    OsVersion::Windows2008,
    OsVersion::Windows2008Sp2,
    OsVersion::Windows2008R2,
];
const SQLS: [SqlVersion; 11] = [
    SqlVersion::Sql2000Sp3a,
    SqlVersion::Sql2000Sp4,
    SqlVersion::Sql2005Rtm,
    SqlVersion::Sql2005Sp1,
    SqlVersion::Sql2005Sp2,
    SqlVersion::Sql2005Sp3,
    SqlVersion::Sql2005Sp4,
    SqlVersion::Sql2008Rtm,
    SqlVersion::Sql2008Sp1,
    SqlVersion::Sql2008Sp2,
    SqlVersion::Sql2008R2,
];
const ROLES: [Role; 6] = [
    Role::ManagementPoint,
    Role::DistributionPoint,
    Role::BitsDistributionPoint,
    Role::ServerLocatorPoint,
    Role::ReportingPoint,
    Role::ClientAccessPoint,
];

/// Raw random choices for one site.
#[derive(Debug, Clone)]
struct SiteDraw {
    parent_pick: usize,
    version: usize,
    standard: bool,
    clients: u64,
    legacy: u64,
    packs: u8,
    size: Option<u32>,
    os: usize,
    sql: usize,
    shared_sql: Option<usize>,
    replication: bool,
    free: Option<u16>,
    internet: bool,
    roles: u8,
    webdav: bool,
    bits: bool,
    remote_mp: bool,
}

fn site_draw() -> impl Strategy<Value = SiteDraw> {
    (
        (
            any::<usize>(),
            0..VERSIONS.len(),
            prop::bool::weighted(0.2),
            0u64..60_000,
            prop_oneof![4 => Just(0u64), 1 => 0u64..500],
            any::<u8>(),
        ),
        (
            prop::option::of(0u32..50_000),
            0..OSES.len(),
            0..SQLS.len(),
            prop::option::weighted(0.3, 0usize..3),
            prop::bool::weighted(0.2),
            prop::option::of(0u16..200),
        ),
        (
            any::<bool>(),
            any::<u8>(),
            any::<bool>(),
            any::<bool>(),
            prop::bool::weighted(0.3),
        ),
    )
        .prop_map(|(a, b, c)| SiteDraw {
            parent_pick: a.0,
            version: a.1,
            standard: a.2,
            clients: a.3,
            legacy: a.4,
            packs: a.5,
            size: b.0,
            os: b.1,
            sql: b.2,
            shared_sql: b.3,
            replication: b.4,
            free: b.5,
            internet: c.0,
            roles: c.1,
            webdav: c.2,
            bits: c.3,
            remote_mp: c.4,
        })
}

fn hierarchy() -> impl Strategy<Value = Gen> {
    (1usize..6, 0usize..7)
        .prop_flat_map(|(primaries, secondaries)| {
            let n = primaries + secondaries;
            (
                Just(primaries),
                prop::collection::btree_set("[A-Z][A-Z0-9]{2}", n),
                prop::collection::vec(site_draw(), n),
                0usize..3,
                0usize..3,
                any::<bool>(),
                prop::sample::select(vec![0.5, 1.0, 2.0, 2.5]),
                0usize..4,
            )
        })
        .prop_map(
            |(primaries, codes, draws, target, schema, publish, mb, consoles)| {
                // Shuffle-free but code-independent: the n-th code is the n-th site created.
                let codes: Vec<String> = codes.into_iter().collect();
                let mut sites = Vec::new();
                let mut servers = Vec::new();
                for (k, d) in draws.iter().enumerate() {
                    let primary = k < primaries;
                    let parent = if k == 0 {
                        None
                    } else if primary {
                        Some(codes[d.parent_pick % k].clone())
                    } else {
                        Some(codes[d.parent_pick % primaries].clone())
                    };
                    let code = &codes[k];
                    let ss = format!("{code}-SS");
                    let db = if !primary {
                        None
                    } else if let Some(shared) = d.shared_sql {
                        Some(format!("SQL-{shared}"))
                    } else {
                        Some(ss.clone())
                    };
                    let packs: Vec<String> = ["itmu", "osd", "device-management"]
                        .iter()
                        .enumerate()
                        .filter(|(b, _)| d.packs & (1 << b) != 0)
                        .map(|(_, p)| p.to_string())
                        .collect();
                    sites.push(Site {
                        code: SiteCode::parse(code).unwrap(),
                        name: format!("Site {code}"),
                        site_type: if primary {
                            SiteType::Primary
                        } else {
                            SiteType::Secondary
                        },
                        parent: parent.map(|p| SiteCode::parse(&p).unwrap()),
                        version: VERSIONS[d.version],
                        security: if d.standard {
                            SecurityMode::Standard
                        } else {
                            SecurityMode::Advanced
                        },
                        site_server: ss.clone(),
                        database_server: db.clone(),
                        database_size_mb: d.size.map(f64::from).filter(|_| primary),
                        clients: d.clients,
                        legacy_clients: d.legacy,
                        feature_packs: packs,
                        children: Vec::new(),
                        depth: 0,
                        wave: None,
                    });
                    let roles: Vec<Role> = ROLES
                        .iter()
                        .enumerate()
                        .filter(|(b, _)| d.roles & (1 << b) != 0)
                        .map(|(_, r)| *r)
                        .collect();
                    servers.push(Server {
                        name: ss.clone(),
                        site: SiteCode::parse(code),
                        os: OSES[d.os],
                        sql: (db.as_deref() == Some(ss.as_str())).then_some(SQLS[d.sql]),
                        sql_replication: d.replication,
                        free_disk_gb: d.free.map(f64::from),
                        internet_access: d.internet,
                        roles,
                        webdav: d.webdav,
                        bits: d.bits,
                    });
                    if d.remote_mp {
                        servers.push(Server {
                            name: format!("{code}-MP"),
                            site: SiteCode::parse(code),
                            os: OSES[(d.os + 3) % OSES.len()],
                            sql: None,
                            sql_replication: false,
                            free_disk_gb: None,
                            internet_access: false,
                            roles: vec![Role::ManagementPoint],
                            webdav: d.bits,
                            bits: d.webdav,
                        });
                    }
                }
                for (k, d) in draws.iter().enumerate().take(3) {
                    let name = format!("SQL-{k}");
                    if sites
                        .iter()
                        .any(|s| s.database_server.as_deref() == Some(name.as_str()))
                    {
                        servers.push(Server {
                            name,
                            site: None,
                            os: OSES[(d.os + 1) % OSES.len()],
                            sql: Some(SQLS[(d.sql + k) % SQLS.len()]),
                            sql_replication: d.replication,
                            free_disk_gb: d.free.map(|f| f64::from(f) / 2.0),
                            internet_access: false,
                            roles: Vec::new(),
                            webdav: false,
                            bits: false,
                        });
                    }
                }
                Gen {
                    sites,
                    servers,
                    target: [TargetMedia::Rtm, TargetMedia::Sp1, TargetMedia::Sp2][target],
                    schema: [
                        SchemaExtension::None,
                        SchemaExtension::Sms2003,
                        SchemaExtension::ConfigMgr2007,
                    ][schema],
                    publish,
                    mb_per_client: mb,
                    consoles,
                }
            },
        )
}

fn environment(g: &Gen, sites: Vec<Site>, servers: Vec<Server>) -> Environment {
    Environment::new(
        common::plan_info(g.target),
        ActiveDirectory {
            schema_extended: g.schema,
            sites_publish: g.publish,
        },
        Estimates {
            database_mb_per_client: g.mb_per_client,
            headroom_percent: cmplan::model::DEFAULT_HEADROOM_PERCENT,
        },
        (0..g.consoles)
            .map(|k| Console {
                computer: format!("ADM-{k:02}"),
            })
            .collect(),
        sites,
        servers,
        Vec::new(),
        "0".repeat(64),
    )
}

fn ids(plan: &Plan) -> Vec<String> {
    plan.tasks().map(|t| t.id.clone()).collect()
}

fn check_invariants(env: &Environment, plan: &Plan) -> Result<(), TestCaseError> {
    let order: BTreeMap<&str, usize> = plan
        .tasks()
        .enumerate()
        .map(|(k, t)| (t.id.as_str(), k))
        .collect();
    prop_assert_eq!(order.len(), plan.tasks().count(), "task IDs are unique");
    for (k, t) in plan.tasks().enumerate() {
        for d in &t.depends_on {
            let at = order.get(d.as_str()).copied();
            prop_assert!(
                at.is_some_and(|a| a < k),
                "{} depends on {} which is not earlier",
                t.id,
                d
            );
        }
        prop_assert!(
            t.id.starts_with(&t.kind),
            "{} is not KIND-SCOPE of {}",
            t.id,
            t.kind
        );
        for text in [&t.title, &t.expected_result, &t.details] {
            prop_assert!(
                !text.contains("{site") && !text.contains("{server"),
                "unfilled: {}",
                text
            );
        }
    }
    let upg = |code: &str| order.get(format!("SITE-UPG-{code}").as_str()).copied();
    for s in &env.sites {
        let code = s.code.as_str();
        if s.version.is_configmgr2007() {
            prop_assert!(upg(code).is_none(), "{} is done yet has an upgrade", code);
            prop_assert!(!plan.tasks().any(|t| t.site.as_deref() == Some(code)
                && t.kind != "CUSTOM"
                && ["SITE-UPG", "SITE-VERIFY", "POST-CHECK", "PREPARE"]
                    .contains(&t.kind.as_str())));
            continue;
        }
        let me = upg(code);
        prop_assert!(me.is_some(), "{} is not upgraded", code);
        let me = me.unwrap();
        if let Some(p) = &s.parent {
            if let Some(parent) = upg(p.as_str()) {
                prop_assert!(parent < me, "{} upgraded before its parent {}", code, p);
                let verify = order[format!("SITE-VERIFY-{p}").as_str()];
                prop_assert!(verify < me, "{} upgraded before {} was verified", code, p);
            }
        }
        if let Some(c) = order.get("CLIENT-UPG") {
            prop_assert!(me < *c, "clients before the upgrade of {}", code);
        }
        let verify = order[format!("SITE-VERIFY-{code}").as_str()];
        prop_assert!(me < verify, "{}: upgrade before verify", code);
        if s.is_primary() {
            let post = order[format!("POST-CHECK-{code}").as_str()];
            prop_assert!(verify < post, "{}: verify before post-check", code);
        }
    }
    // Every site's runbook items lie between the previous upgrade and its own, in its wave.
    let ups: Vec<&cmplan::plan::Task> = plan.tasks().filter(|t| t.kind == "SITE-UPG").collect();
    for (k, up) in ups.iter().enumerate() {
        let site = up.site.as_deref().unwrap();
        let own = order[up.id.as_str()];
        let prev = k.checked_sub(1).map(|p| order[ups[p].id.as_str()]);
        for kind in ["PREPARE", "BACKUP"] {
            let id = format!("{kind}-{site}");
            if let Some(&at) = order.get(id.as_str()) {
                prop_assert!(
                    at < own && prev.is_none_or(|p| p < at),
                    "{} outside its runbook",
                    id
                );
                prop_assert_eq!(plan.task(&id).unwrap().wave, up.wave);
            }
        }
    }
    let waves: Vec<u32> = plan.tasks().map(|t| t.wave).collect();
    prop_assert!(waves.windows(2).all(|w| w[0] <= w[1]), "waves decrease");
    // Every blocker has a fix in the plan, before the upgrade of the site it concerns.
    for f in &plan.findings {
        prop_assert!(
            cmplan::plan::findings::RuleCode::parse(&f.code).is_some(),
            "{} is not a rule code",
            f.code
        );
        prop_assert!(cmplan::plan::sources::source(&f.source.id).is_some());
        if f.severity == Severity::Blocker {
            let fix = f.remediation_task.as_deref();
            prop_assert!(
                fix.is_some(),
                "blocker {} ({:?}) has no fix",
                f.code,
                f.site
            );
            let at = order.get(fix.unwrap()).copied();
            prop_assert!(at.is_some(), "fix {:?} missing", fix);
            if let Some(site_upg) = f.site.as_deref().and_then(upg) {
                prop_assert!(
                    at.unwrap() < site_upg,
                    "{:?} after SITE-UPG-{:?}",
                    fix,
                    f.site
                );
            }
        }
    }
    // Estimates equal their formula.
    let per_client = env.estimates.database_mb_per_client;
    for sp in &plan.sites {
        let code = SiteCode::parse(&sp.code).unwrap();
        let clients: u64 = env
            .subtree(&code)
            .iter()
            .map(|s| s.clients + s.legacy_clients)
            .sum();
        prop_assert_eq!(sp.subtree_clients, clients);
        let site = env.site(&code).unwrap();
        if site.is_primary() && !site.version.is_configmgr2007() {
            prop_assert_eq!(sp.database_growth_mb, per_client * clients as f64);
            let expected_end = format!("= {} MB", plan::fmt_num(sp.database_growth_mb));
            prop_assert!(sp.formula.ends_with(&expected_end), "{}", sp.formula);
            let expected_start = format!(
                "{} MB × {} clients",
                plan::fmt_num(per_client),
                plan::fmt_int(clients)
            );
            prop_assert!(sp.formula.starts_with(&expected_start), "{}", sp.formula);
        } else {
            prop_assert_eq!(sp.database_growth_mb, 0.0);
        }
    }
    for sql in &plan.sql_servers {
        let growth: f64 = sql
            .sites
            .iter()
            .map(|c| {
                plan.sites
                    .iter()
                    .find(|s| &s.code == c)
                    .unwrap()
                    .database_growth_mb
            })
            .sum();
        prop_assert!((sql.database_growth_mb - growth).abs() < 1e-6);
        let srv = env.server(&sql.name).unwrap();
        prop_assert_eq!(sql.free_disk_mb, srv.free_disk_gb.map(|g| g * 1024.0));
        prop_assert_eq!(
            sql.shortfall_mb,
            sql.free_disk_mb.map(|f| (growth - f).max(0.0))
        );
    }
    let total: f64 = plan.sites.iter().map(|s| s.database_growth_mb).sum();
    prop_assert!((plan.totals.database_growth_mb - total).abs() < 1e-6);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn generated_hierarchies_keep_the_order_invariants(g in hierarchy()) {
        let env = environment(&g, g.sites.clone(), g.servers.clone());
        let plan = cmplan::plan::build(&env, &common::options()).unwrap();
        check_invariants(&env, &plan)?;
    }

    #[test]
    fn ids_and_order_do_not_depend_on_the_order_of_the_input(
        g in hierarchy(),
        seed in any::<u64>(),
    ) {
        let env = environment(&g, g.sites.clone(), g.servers.clone());
        let plan = cmplan::plan::build(&env, &common::options()).unwrap();
        // A deterministic shuffle of sites and servers.
        let mut sites = g.sites.clone();
        let mut servers = g.servers.clone();
        let mut x = seed | 1;
        let mut next = |n: usize| { x ^= x << 13; x ^= x >> 7; x ^= x << 17; (x as usize) % n };
        for i in (1..sites.len()).rev() { let j = next(i + 1); sites.swap(i, j); }
        for i in (1..servers.len()).rev() { let j = next(i + 1); servers.swap(i, j); }
        let shuffled = environment(&g, sites, servers);
        let again = cmplan::plan::build(&shuffled, &common::options()).unwrap();
        prop_assert_eq!(ids(&plan), ids(&again));
        prop_assert_eq!(&plan, &again);
    }
}

#[test]
fn a_deep_chain_of_primaries_is_walked_without_recursion() {
    let mut sites = Vec::new();
    let mut servers = Vec::new();
    let codes: Vec<String> = (0..400)
        .map(|k| format!("C{k:02}"))
        .map(|c| c.chars().take(3).collect())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for (k, code) in codes.iter().enumerate() {
        let parent = (k > 0).then(|| codes[k - 1].as_str());
        let ss = format!("{code}-SS");
        sites.push(common::site(
            code,
            code,
            SiteType::Primary,
            parent,
            SiteVersion::Sms2003Sp3,
            SecurityMode::Advanced,
            &ss,
            Some(&ss),
            10,
        ));
        let mut srv = common::server(&ss, Some(code), OsVersion::Windows2003Sp2);
        srv.sql = Some(SqlVersion::Sql2005Sp2);
        servers.push(srv);
    }
    let env = common::environment(sites, servers, Vec::new());
    let plan = common::build(&env);
    let upgrades = plan.tasks().filter(|t| t.kind == "SITE-UPG").count();
    assert_eq!(upgrades, codes.len());
    let last = codes.last().unwrap();
    let central = plan.sites.iter().find(|s| s.code == codes[0]).unwrap();
    assert_eq!(central.subtree_clients, 10 * codes.len() as u64);
    assert!(
        central.formula.contains("more sites"),
        "{}",
        central.formula
    );
    assert!(
        common::pos(&plan, &format!("SITE-UPG-{}", codes[0]))
            < common::pos(&plan, &format!("SITE-UPG-{last}"))
    );
}

#[test]
fn a_large_hierarchy_keeps_the_invariants() {
    // 250 primaries in a few tiers and 1,750 secondaries, with some shared SQL Servers.
    let codes: Vec<String> = (0..2000u32)
        .map(|k| {
            let a = (b'A' + (k / 360) as u8) as char;
            let b = (b'A' + ((k / 10) % 36).min(25) as u8) as char;
            let rest = k % 360;
            format!(
                "{a}{}{}",
                if rest / 10 < 26 {
                    b
                } else {
                    (b'0' + (rest / 10 - 26) as u8) as char
                },
                k % 10
            )
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(codes.len() >= 1900, "{}", codes.len());
    let primaries = 250;
    let mut sites = Vec::new();
    let mut servers = Vec::new();
    let mut x: u64 = 7;
    let mut rnd = |n: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % n
    };
    for (k, code) in codes.iter().enumerate() {
        let primary = k < primaries;
        let parent = if k == 0 {
            None
        } else if primary {
            Some(codes[rnd(k as u64) as usize].clone())
        } else {
            Some(codes[rnd(primaries as u64) as usize].clone())
        };
        let ss = format!("{code}-SS");
        let db = primary.then(|| {
            if k % 5 == 0 {
                format!("SQL-{}", k % 7)
            } else {
                ss.clone()
            }
        });
        let version = if rnd(10) == 0 {
            SiteVersion::ConfigMgr2007Sp1
        } else {
            SiteVersion::Sms2003Sp3
        };
        let mut site = common::site(
            code,
            code,
            if primary {
                SiteType::Primary
            } else {
                SiteType::Secondary
            },
            parent.as_deref(),
            version,
            SecurityMode::Advanced,
            &ss,
            db.as_deref(),
            rnd(300),
        );
        if rnd(20) == 0 {
            site.legacy_clients = 5;
        }
        sites.push(site);
        let mut srv = common::server(
            &ss,
            Some(code),
            if rnd(50) == 0 {
                OsVersion::Windows2000Sp4
            } else {
                OsVersion::Windows2003Sp2
            },
        );
        srv.roles = vec![Role::DistributionPoint];
        if db.as_deref() == Some(ss.as_str()) {
            srv.sql = Some(SqlVersion::Sql2005Sp2);
        }
        servers.push(srv);
    }
    for k in 0..7 {
        let mut srv = common::server(&format!("SQL-{k}"), None, OsVersion::Windows2003Sp2);
        srv.sql = Some(if k == 3 {
            SqlVersion::Sql2000Sp4
        } else {
            SqlVersion::Sql2005Sp3
        });
        srv.free_disk_gb = Some(10.0);
        servers.push(srv);
    }
    let env = common::environment(sites, servers, Vec::new());
    let started = std::time::Instant::now();
    let plan = common::build(&env);
    eprintln!(
        "{} sites → {} tasks in {:?}",
        env.sites.len(),
        plan.tasks().count(),
        started.elapsed()
    );
    check_invariants(&env, &plan).unwrap();
}
