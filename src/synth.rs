//! A deterministic synthetic hierarchy generator, for benchmarks and property tests.
//!
//! `cmplan synth --sites 600 --seed 7` prints an environment description (TOML) with a realistic
//! mix: about one primary per eight sites in up to four tiers, secondaries under primaries, some
//! SQL Servers shared between sites, a few blockers (standard security, legacy clients, SQL 2000,
//! Windows 2000, a remote management point without WebDAV), and client counts that stay within the
//! documented capacity limits (upgrade-rules.md R2.7: 200,000 clients per hierarchy, 500
//! secondaries per primary).

use std::fmt::Write;

/// The benchmark sizes named in issue 9.
pub const SIZES: &[(&str, usize)] = &[("S", 14), ("M", 60), ("L", 600), ("XL", 2000)];

/// Stay under the 200,000-clients-per-hierarchy maximum (R2.7) with some headroom.
const HIERARCHY_CLIENT_BUDGET: u64 = 195_000;
/// R2.7: at most 500 secondaries per primary.
const MAX_SECONDARIES_PER_PRIMARY: usize = 500;
/// Child primaries go at most this many tiers below the central site.
const MAX_PRIMARY_DEPTH: usize = 3;

/// SplitMix64: tiny, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Site code for the i-th site: three base-36 characters starting at `A00`.
fn site_code(i: usize) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut n = i + 10 * 36 * 36; // "A00"
    let mut code = [b'0'; 3];
    for slot in code.iter_mut().rev() {
        *slot = DIGITS[n % 36];
        n /= 36;
    }
    String::from_utf8(code.to_vec()).expect("ASCII")
}

struct SynthSite {
    code: String,
    primary: bool,
    parent: Option<usize>,
    depth: usize,
    clients: u64,
    legacy: u64,
    db_server: Option<String>,
}

/// Generates an environment description with `sites` sites (at least 1) from `seed`.
pub fn generate(sites: usize, seed: u64) -> String {
    let sites = sites.max(1);
    let mut rng = Rng(seed ^ 0x00C0_FFEE);
    let primaries = sites.div_ceil(8).max(1);
    let mut all: Vec<SynthSite> = Vec::with_capacity(sites);
    let mut secondaries_of = vec![0usize; primaries];

    for i in 0..sites {
        let primary = i < primaries;
        let (parent, depth) = if i == 0 {
            (None, 0)
        } else if primary {
            // Attach to an earlier primary that is not too deep.
            loop {
                let p = rng.range(0, i as u64 - 1) as usize;
                if all[p].depth < MAX_PRIMARY_DEPTH {
                    break (Some(p), all[p].depth + 1);
                }
            }
        } else {
            // Secondaries hang under child primaries (the central site keeps a few too).
            loop {
                let p = rng.range(0, primaries as u64 - 1) as usize;
                if secondaries_of[p] < MAX_SECONDARIES_PER_PRIMARY
                    && (p != 0 || primaries == 1 || rng.chance(10))
                {
                    secondaries_of[p] += 1;
                    break (Some(p), all[p].depth + 1);
                }
            }
        };
        let clients = if primary {
            rng.range(2_000, 20_000)
        } else {
            rng.range(100, 1_500)
        };
        all.push(SynthSite {
            code: site_code(i),
            primary,
            parent,
            depth,
            clients,
            legacy: 0,
            db_server: None,
        });
    }
    // Scale client counts into the hierarchy budget.
    let total: u64 = all.iter().map(|s| s.clients).sum();
    if total > HIERARCHY_CLIENT_BUDGET {
        for s in &mut all {
            s.clients = (s.clients * HIERARCHY_CLIENT_BUDGET / total).max(10);
        }
    }
    // A few sites still have legacy clients (a blocker each).
    for s in all.iter_mut().skip(1) {
        if rng.chance(3) {
            s.legacy = s.clients.min(rng.range(5, 60));
            s.clients -= s.legacy;
        }
    }
    // Database servers: the central site has its own SQL Server; a third of the child primaries
    // share their parent's, the rest host it on the site server.
    for i in 0..primaries {
        let code = all[i].code.clone();
        let db = if i == 0 {
            format!("{code}-SQL01")
        } else if rng.chance(33) {
            let p = all[i].parent.expect("child primary has a parent");
            all[p].db_server.clone().expect("parents come first")
        } else {
            format!("{code}-SMS01")
        };
        all[i].db_server = Some(db);
    }

    let mut out = String::with_capacity(sites * 420);
    let _ = writeln!(
        out,
        "# Synthetic hierarchy: {sites} sites, seed {seed} (cmplan synth)"
    );
    out.push_str(
        "[plan]\ntitle = \"Synthetic hierarchy upgrade\"\norganisation = \"Synthetic Ltd\"\n\
         change_reference = \"CHG-SYNTH\"\nprepared_by = \"cmplan synth\"\ntarget = \"sp1\"\n\n\
         [active_directory]\nschema_extended = \"sms2003\"\nsites_publish = true\n\n\
         [[console]]\ncomputer = \"ADM-WS01\"\n\n",
    );
    let mut servers = String::with_capacity(sites * 300);
    for (i, s) in all.iter().enumerate() {
        let version = if rng.chance(85) {
            "sms2003-sp3"
        } else {
            "sms2003-sp2"
        };
        let security = if i > 0 && rng.chance(2) {
            "standard"
        } else {
            "advanced"
        };
        let _ = writeln!(out, "[[site]]");
        let _ = writeln!(out, "code = \"{}\"", s.code);
        let _ = writeln!(
            out,
            "name = \"Site {} ({})\"",
            s.code,
            if s.primary { "primary" } else { "branch" }
        );
        let _ = writeln!(
            out,
            "type = \"{}\"",
            if s.primary { "primary" } else { "secondary" }
        );
        if let Some(p) = s.parent {
            let _ = writeln!(out, "parent = \"{}\"", all[p].code);
        }
        let _ = writeln!(out, "version = \"{version}\"\nsecurity = \"{security}\"");
        let _ = writeln!(out, "site_server = \"{}-SMS01\"", s.code);
        if let Some(db) = &s.db_server {
            let _ = writeln!(out, "database_server = \"{db}\"");
            let _ = writeln!(out, "database_size_mb = {}", s.clients * 3 + 2_000);
        }
        let _ = writeln!(out, "clients = {}", s.clients);
        if s.legacy > 0 {
            let _ = writeln!(out, "legacy_clients = {}", s.legacy);
        }
        if s.primary {
            let packs = if rng.chance(10) {
                "[\"itmu\", \"osd\"]"
            } else {
                "[\"itmu\"]"
            };
            let _ = writeln!(out, "feature_packs = {packs}");
        }
        out.push('\n');

        // The site server (hosting the database when it is named after it).
        let os = if !s.primary && rng.chance(3) {
            "windows-2000-sp4"
        } else {
            "windows-2003-sp2"
        };
        let _ = writeln!(
            servers,
            "[[server]]\nname = \"{}-SMS01\"\nsite = \"{}\"\nos = \"{os}\"",
            s.code, s.code
        );
        if s.db_server.as_deref() == Some(&format!("{}-SMS01", s.code)) {
            let _ = writeln!(servers, "sql = \"sql2005-sp2\"");
        }
        let _ = writeln!(servers, "free_disk_gb = {}", rng.range(8, 200));
        let roles = if s.primary {
            "[\"management-point\", \"distribution-point\"]"
        } else {
            "[\"distribution-point\"]"
        };
        let _ = writeln!(servers, "roles = {roles}\nwebdav = true\nbits = true\n");
        if i == 0 {
            let sql = if rng.chance(50) {
                "sql2005-sp3"
            } else {
                "sql2005-sp2"
            };
            let _ = writeln!(
                servers,
                "[[server]]\nname = \"{}-SQL01\"\nos = \"windows-2003-sp2\"\nsql = \"{sql}\"\nfree_disk_gb = 500\n",
                s.code
            );
        }
        // One in forty primaries has a remote MP without WebDAV (Setup's checker will not see it).
        if s.primary && i > 0 && rng.chance(2) {
            let _ = writeln!(
                servers,
                "[[server]]\nname = \"{}-MP02\"\nsite = \"{}\"\nos = \"windows-2003-sp2\"\nroles = [\"management-point\"]\nwebdav = false\nbits = true\n",
                s.code, s.code
            );
        }
    }
    out.push_str(&servers);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_three_characters_and_unique() {
        assert_eq!(site_code(0), "A00");
        assert_eq!(site_code(35), "A0Z");
        assert_eq!(site_code(36), "A10");
        let codes: std::collections::BTreeSet<_> = (0..2000).map(site_code).collect();
        assert_eq!(codes.len(), 2000);
        assert!(codes.iter().all(|c| c.len() == 3));
    }

    #[test]
    fn same_seed_same_text_and_sizes_are_respected() {
        assert_eq!(generate(60, 7), generate(60, 7));
        assert_ne!(generate(60, 7), generate(60, 8));
        let text = generate(600, 1);
        assert_eq!(text.matches("[[site]]").count(), 600);
        assert_eq!(text.matches("type = \"primary\"").count(), 75);
    }
}
