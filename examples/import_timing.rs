//! One timed `cmplan import` of a synthetic export of a large hierarchy (default 20,000 sites:
//! a central site, 50 child primaries, the rest secondaries, with their site systems, client
//! rows, inventory and SQL versions): `cargo run --release --example import_timing [SITES]`.
//! A measurement to read, never a test; the figure is in BENCHMARKS.md.

use std::fmt::Write;
use std::time::Instant;

/// Site code for the i-th site: three base-36 characters from `A00`.
fn code(i: usize) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut n = i + 10 * 36 * 36;
    let mut out = [b'0'; 3];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[n % 36];
        n /= 36;
    }
    String::from_utf8(out.to_vec()).unwrap()
}

fn main() {
    let sites: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("a number of sites"))
        .unwrap_or(20_000);
    assert!((2..=33_000).contains(&sites), "2 to 33,000 sites");
    let primaries = (sites / 400).max(1) + 1;
    let dir = tempfile::tempdir().unwrap();
    let (mut s, mut sys, mut cl, mut inv, mut sql) = (
        String::from(
            "SiteCode,SiteName,Type,ReportingSiteCode,ServerName,Version,BuildNumber,Status\r\n",
        ),
        String::from("SiteCode,ServerName,RoleName\r\n"),
        String::from("SiteCode,ClientType,Clients\r\n"),
        String::from("ServerName,Caption,CSDVersion,FreeSpaceMB\r\n"),
        String::from("ServerName,ProductVersion\r\n"),
    );
    for i in 0..sites {
        let c = code(i);
        let primary = i < primaries;
        let parent = match i {
            0 => String::new(),
            _ if primary => code(0),
            _ => code(i % primaries),
        };
        let server = format!("{c}-SMS01");
        let _ = write!(
            s,
            "{c},Site {c},{},{parent},{server},2.50.4160.2000,4160,1\r\n",
            if primary { 2 } else { 1 }
        );
        for role in [
            "SMS Site Server",
            "SMS Site System",
            "SMS Distribution Point",
        ] {
            let _ = write!(sys, "{c},{server},{role}\r\n");
        }
        let _ = write!(
            inv,
            "{server},Microsoft(R) Windows(R) Server 2003 Standard Edition,Service Pack 2,{}\r\n",
            20_000 + i
        );
        if primary {
            let db = format!("{c}-SQL01");
            let mp = format!("{c}-MP01");
            let _ = write!(
                sys,
                "{c},{db},SMS SQL Server\r\n{c},{db},SMS Site System\r\n"
            );
            let _ = write!(
                sys,
                "{c},{mp},SMS Management Point\r\n{c},{mp},SMS Site System\r\n"
            );
            let _ = write!(cl, "{c},1,{}\r\n{c},0,{}\r\n", 1000 + i, i % 7);
            let _ = write!(sql, "{db},9.00.3042.00\r\n");
            let _ = write!(
                inv,
                "{db},Microsoft(R) Windows(R) Server 2003 Enterprise Edition,Service Pack 2,90000\r\n{mp},Microsoft(R) Windows(R) Server 2003 Standard Edition,Service Pack 2,30000\r\n"
            );
        } else {
            let _ = write!(cl, "{c},1,{}\r\n", 1 + i % 9);
        }
    }
    for (name, text) in [
        ("sites.csv", &s),
        ("site_systems.csv", &sys),
        ("clients.csv", &cl),
        ("servers.csv", &inv),
        ("sql.csv", &sql),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let rows = [&s, &sys, &cl, &inv, &sql]
        .iter()
        .map(|t| t.lines().count() - 1)
        .sum::<usize>();
    let t = Instant::now();
    let imported = cmplan::import::import_dir(dir.path(), "export").expect("a valid export");
    let elapsed = t.elapsed();
    // The stages once more, one by one (read and check; write the text; validate it).
    let t = Instant::now();
    let export = cmplan::import::read_dir(dir.path()).expect("a valid export");
    let read = t.elapsed();
    let t = Instant::now();
    let (text, _) = cmplan::import::describe(&export, "export");
    let write = t.elapsed();
    let t = Instant::now();
    cmplan::input::load_bytes("imported.toml", text.as_bytes()).expect("valid");
    let validate = t.elapsed();
    println!(
        "stages: read and check {:.0} ms, write {:.0} ms, validate {:.0} ms",
        read.as_secs_f64() * 1000.0,
        write.as_secs_f64() * 1000.0,
        validate.as_secs_f64() * 1000.0
    );
    println!(
        "import of {sites} sites ({rows} CSV rows, {} servers, {} KB of TOML, {} checks): {:.0} ms",
        imported.servers,
        imported.text.len() / 1024,
        imported.checks.len(),
        elapsed.as_secs_f64() * 1000.0
    );
}
