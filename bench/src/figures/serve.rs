//! Figure F: `mou serve` under load on loopback: 32 clients, each on one keep-alive
//! connection, ask in turn for the agreements list and a partner's page for `--serve-secs`
//! seconds (30 by default), then stop; prints p50 and p99 of each page and the server's peak
//! memory (targets: p50 ≤ 20 ms, p99 ≤ 100 ms, ≤ 100 MB). Bounded in time and count; only
//! 127.0.0.1 is ever asked.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Bench;
use crate::error::{Context, Res};
use crate::tools::MOU_TODAY;

const CLIENTS: usize = 32;
/// At most this many requests per client, whatever the time.
const MAX_PER_CLIENT: usize = 200_000;

/// One answer read off a keep-alive connection: its status and body.
fn request(conn: &mut BufReader<TcpStream>, host: &str, path: &str) -> Res<(u16, Vec<u8>)> {
    let req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n");
    conn.get_mut()
        .write_all(req.as_bytes())
        .ctx(|| "cannot send a request".to_string())?;
    let mut line = String::new();
    conn.read_line(&mut line).ctx(|| "no answer".to_string())?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {line:?}"))?;
    let mut length = None;
    loop {
        line.clear();
        conn.read_line(&mut line)
            .ctx(|| "cut headers".to_string())?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse::<usize>().ok();
            }
        }
    }
    let n = length.ok_or("an answer without content-length")?;
    let mut body = vec![0; n];
    conn.read_exact(&mut body).ctx(|| "cut body".to_string())?;
    Ok((status, body))
}

fn connect(host: &str) -> Res<BufReader<TcpStream>> {
    let s = TcpStream::connect(host).ctx(|| format!("cannot connect to {host}"))?;
    s.set_nodelay(true).ok();
    Ok(BufReader::new(s))
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

extern "C" {
    fn kill(pid: i32, sig: i32) -> i32;
}

pub fn figure(bench: &Bench, db: &Path) -> Res<()> {
    let secs = bench.opts.serve_secs;
    println!(
        "\n== F. mou serve: {CLIENTS} clients for {secs} s, agreements list and a partner page"
    );
    let Some(mou) = &bench.tools.mou else {
        println!("  {}", bench.tools.missing_mou());
        return Ok(());
    };
    let port = 18_700 + (std::process::id() % 1000) as u16;
    let host = format!("127.0.0.1:{port}");
    let mut child = Command::new(mou)
        .args(["--db".as_ref(), db.as_os_str()])
        .args(["serve", "--bind", &host])
        .env("MOU_TODAY", MOU_TODAY)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ctx(|| "cannot start mou serve".to_string())?;
    let result = load(&host, secs);
    // SAFETY: our own child, not yet reaped; SIGINT asks it to stop gracefully.
    unsafe {
        kill(child.id() as i32, 2);
    }
    let (_, rss) =
        crate::measure::wait_with_rusage(&mut child).ctx(|| "waiting for mou serve".to_string())?;
    let (pages, errors, total) = result?;
    for (name, mut times) in pages {
        times.sort_unstable();
        println!(
            "  {name:<18} {:>7} requests  p50 {:>7.2} ms  p99 {:>7.2} ms   (targets 20 ms, 100 ms)",
            times.len(),
            percentile(&times, 0.50),
            percentile(&times, 0.99)
        );
    }
    println!(
        "  {total} requests in {secs} s ({:.0}/s), {errors} not 200; server peak RSS {} (target 100 MB)",
        total as f64 / secs as f64,
        rss.map_or("n/a".into(), |k| format!("{:.1} MB", k as f64 / 1024.0))
    );
    Ok(())
}

type Loaded = (Vec<(&'static str, Vec<u64>)>, usize, usize);

fn load(host: &str, secs: u64) -> Res<Loaded> {
    // Wait for the server (at most 20 s), and find a partner to ask for.
    let start = Instant::now();
    let mut conn = loop {
        match TcpStream::connect(host) {
            Ok(_) => break connect(host)?,
            Err(_) if start.elapsed() < Duration::from_secs(20) => {
                std::thread::sleep(Duration::from_millis(100))
            }
            Err(e) => return Err(format!("mou serve did not start on {host}: {e}").into()),
        }
    };
    let (status, body) = request(&mut conn, host, "/partners")?;
    let body = String::from_utf8_lossy(&body);
    let key = body
        .split("href=\"/partners/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .filter(|_| status == 200)
        .ok_or("no partner on /partners")?
        .to_string();
    let partner = format!("/partners/{key}");
    let deadline = Instant::now() + Duration::from_secs(secs);
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let (host, partner) = (host.to_string(), partner.clone());
            std::thread::spawn(move || {
                client(i, &host, &partner, deadline).map_err(|e| e.to_string())
            })
        })
        .collect();
    let (mut list, mut page, mut errors) = (Vec::new(), Vec::new(), 0);
    for c in clients {
        let (l, p, e) = c.join().map_err(|_| "a client thread failed")??;
        list.extend(l);
        page.extend(p);
        errors += e;
    }
    let total = list.len() + page.len();
    Ok((
        vec![("/agreements", list), ("/partners/KEY", page)],
        errors,
        total,
    ))
}

/// One client's requests until `deadline`: the list's times, the partner page's, non-200s.
fn client(
    i: usize,
    host: &str,
    partner: &str,
    deadline: Instant,
) -> Res<(Vec<u64>, Vec<u64>, usize)> {
    let mut conn = connect(host)?;
    let (mut list, mut page, mut errors) = (Vec::new(), Vec::new(), 0);
    for n in 0..MAX_PER_CLIENT {
        if Instant::now() >= deadline {
            break;
        }
        let (path, times) = if (n + i) % 2 == 0 {
            ("/agreements", &mut list)
        } else {
            (partner, &mut page)
        };
        let t = Instant::now();
        let (status, _) = request(&mut conn, host, path)?;
        times.push(t.elapsed().as_micros() as u64);
        if status != 200 {
            errors += 1;
        }
    }
    Ok((list, page, errors))
}
