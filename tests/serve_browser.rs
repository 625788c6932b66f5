//! The browser test of `mou serve` (issue #16): the real binary under `--allow-edit` on the
//! sample registry, driven in headless Chromium through chromedriver's WebDriver protocol
//! (plain HTTP/1.1 on loopback, a small client below: no new dependency). It opens the
//! dashboard, searches «اليونيسيف», opens UNICEF, downloads its agreements CSV, adds a partner
//! through the form, and leaves screenshots in English and Arabic in target/tmp/browser/.
//! Skipped, with a printed "SKIPPED" line, when chromium or chromedriver is missing.

mod common;

use common::{data_dir, Env};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `$var` if set, else the first of `names` on PATH.
fn program(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var).filter(|p| !p.is_empty()) {
        return Some(p.into());
    }
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
        .find(|p| p.is_file())
}

/// A port free on loopback now (the OS's pick, released for the child to take).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Kills and reaps the children (the server, chromedriver) when the test ends, passed or not.
struct Guard(Vec<Child>);

impl Drop for Guard {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Waits until something listens on `port` (ten seconds at most).
fn wait_for(port: u16, what: &str, child: &mut Child) {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before listening on {port}: {status}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{what} did not listen on {port} in ten seconds"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One HTTP/1.1 request on loopback (`Connection: close`): the status and the body.
fn http(port: u16, method: &str, path: &str, body: Option<&str>) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let body = body.unwrap_or("");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body.as_bytes()).unwrap();
    // Read the head, then the body by its length (a server may keep the connection open).
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    let end = loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = s.read(&mut buf).expect("read the response");
        assert!(n > 0, "no response head from {path}");
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status code");
    let length: Option<usize> = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok());
    let chunked = head.contains("transfer-encoding: chunked");
    let mut rest = raw[end + 4..].to_vec();
    loop {
        let done = match length {
            Some(len) => rest.len() >= len,
            None => chunked && rest.ends_with(b"0\r\n\r\n"),
        };
        if done {
            break;
        }
        let n = s.read(&mut buf).expect("read the response body");
        if n == 0 {
            break;
        }
        rest.extend_from_slice(&buf[..n]);
    }
    if chunked {
        rest = unchunk(&rest);
    }
    (status, rest)
}

/// The body of a chunked response.
fn unchunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = std::str::from_utf8(&raw[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok())
            .expect("a chunk size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[eol + 2..eol + 2 + size]);
        raw = &raw[eol + 2 + size + 2..];
    }
}

/// Standard base64 (the screenshots WebDriver sends).
fn base64(text: &str) -> Vec<u8> {
    let digit = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let bytes: Vec<u8> = text.bytes().filter(|c| *c != b'=').map(digit).collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for q in bytes.chunks(4) {
        let n = q
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | (u32::from(*d) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..q.len()]);
    }
    out
}

/// A WebDriver session of chromedriver on `port`.
struct Browser {
    port: u16,
    session: String,
}

impl Browser {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        let body = body.map(|b| b.to_string());
        let (status, raw) = http(self.port, method, &path, body.as_deref());
        let v: Value = serde_json::from_slice(&raw).expect("WebDriver answers JSON");
        assert_eq!(status, 200, "WebDriver {method} {path}: {v}");
        v["value"].clone()
    }

    fn open(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    fn url(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap().to_string()
    }

    /// The address once it meets `done` (a click's navigation may still be under way when
    /// the click returns), or the last one seen after ten seconds.
    fn url_when(&self, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let url = self.url();
            if done(&url) || Instant::now() > deadline {
                return url;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    fn type_in(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        self.call("POST", &format!("/element/{e}/click"), Some(json!({})));
    }

    fn property(&self, css: &str, name: &str) -> String {
        let e = self.find(css);
        let v = self.call("GET", &format!("/element/{e}/property/{name}"), None);
        v.as_str().unwrap_or_default().to_string()
    }

    fn text(&self, css: &str) -> String {
        let e = self.find(css);
        let v = self.call("GET", &format!("/element/{e}/text"), None);
        v.as_str().unwrap_or_default().to_string()
    }

    fn screenshot(&self, to: &Path) {
        let png = base64(self.call("GET", "/screenshot", None).as_str().unwrap());
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        std::fs::write(to, png).unwrap();
    }

    fn close(&self) {
        let _ = http(
            self.port,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
    }
}

#[test]
fn serve_in_chromium_searches_downloads_adds_and_edits() {
    let (Some(chrome), Some(driver)) = (
        program(
            "MOU_CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        ),
        program("MOU_CHROMEDRIVER", &["chromedriver"]),
    ) else {
        println!("SKIPPED: chromium or chromedriver not found (install chromium chromium-driver)");
        return;
    };
    let started = Instant::now();
    let env = Env::sample();
    for what in ["contacts", "engagements"] {
        let file = data_dir().join(format!("{what}.csv"));
        env.run(&["import", what, file.to_str().unwrap()]).ok();
    }

    let mut guard = Guard(Vec::new());
    let web = free_port();
    let mut server = env
        .command()
        .args([
            "serve",
            "--allow-edit",
            "--bind",
            &format!("127.0.0.1:{web}"),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("mou serve starts");
    wait_for(web, "mou serve", &mut server);
    guard.0.push(server);
    let wd = free_port();
    let mut chromedriver = Command::new(&driver)
        .arg(format!("--port={wd}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    wait_for(wd, "chromedriver", &mut chromedriver);
    guard.0.push(chromedriver);

    let profile = tempfile::tempdir().unwrap();
    let caps = json!({ "capabilities": { "alwaysMatch": { "goog:chromeOptions": {
        "binary": chrome,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", "--window-size=1200,1000",
            format!("--user-data-dir={}", profile.path().display()),
        ],
    }}}});
    let (status, raw) = http(wd, "POST", "/session", Some(&caps.to_string()));
    let v: Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(status, 200, "a WebDriver session: {v}");
    let b = Browser {
        port: wd,
        session: v["value"]["sessionId"].as_str().unwrap().to_string(),
    };
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tmp/browser");
    std::fs::create_dir_all(&shots).unwrap();
    let base = format!("http://127.0.0.1:{web}");

    // The dashboard, in both languages.
    b.open(&format!("{base}/"));
    assert!(b.text("main").contains("UNICEF") || !b.text("h1").is_empty());
    b.screenshot(&shots.join("dashboard-en.png"));
    b.open(&format!("{base}/?lang=ar"));
    assert_eq!(b.property("html", "dir"), "rtl");
    b.screenshot(&shots.join("dashboard-ar.png"));

    // The header's search box finds UNICEF by its Arabic name; its row opens its page.
    b.open(&format!("{base}/"));
    b.type_in("header input[name=search]", "اليونيسيف");
    b.click("header form[role=search] button");
    let url = b.url_when(|u| u.contains("/partners?search="));
    assert!(url.contains("/partners?search="), "{url}");
    assert!(b.text("main").contains("UNICEF"));
    b.click("main a[href='/partners/unicef']");
    let url = b.url_when(|u| u.ends_with("/partners/unicef"));
    assert!(url.ends_with("/partners/unicef"), "{url}");
    assert!(b.text("h1").contains("UNICEF"));
    b.screenshot(&shots.join("unicef-en.png"));

    // Its agreements CSV: the link's address, fetched, is export's header and UNICEF's rows.
    let csv_url = b.property("a[href*='agreements.csv']", "href");
    let path = csv_url.strip_prefix(&base).expect("a link to this server");
    let (status, csv) = http(web, "GET", path, None);
    assert_eq!(status, 200, "{csv_url}");
    let csv = String::from_utf8(csv).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("ref,kind,title,"), "{header}");
    assert!(csv.lines().any(|l| l.starts_with("MOU-2022-002,")), "{csv}");
    assert!(csv.lines().skip(1).all(|l| !l.is_empty()));

    b.open(&format!("{base}/partners/unicef?lang=ar"));
    assert_eq!(b.property("html", "dir"), "rtl");
    b.screenshot(&shots.join("unicef-ar.png"));

    // A partner added through the form is on its page, and in the registry.
    b.open(&format!("{base}/partners/new"));
    b.type_in("form.edit input[name=name]", "Browser Test Foundation");
    b.type_in("form.edit input[name=key]", "browser-test");
    b.type_in("form.edit input[name=country]", "EG");
    b.type_in("form.edit input[name=alias]", "مؤسسة اختبار المتصفح");
    b.click("form.edit select[name=category] option[value=ngo]");
    b.screenshot(&shots.join("partner-form-en.png"));
    b.click("form.edit button[type=submit]");
    let after = b.url_when(|u| u.ends_with("/partners/browser-test"));
    assert!(
        after.ends_with("/partners/browser-test"),
        "{after}: {}",
        b.text("main")
    );
    assert!(b.text("h1").contains("Browser Test Foundation"));

    // Its page links to its edit form, which opens holding its values; sent unchanged it
    // changes nothing, sent with a web site it records that one change.
    let history = || {
        env.run(&["history", "browser-test", "--format", "csv"])
            .ok()
            .lines()
            .count()
    };
    let rows = history();
    b.click("main a[href='/partners/browser-test/edit']");
    b.url_when(|u| u.ends_with("/partners/browser-test/edit"));
    assert_eq!(
        b.property("form.edit input[name=name]", "value"),
        "Browser Test Foundation"
    );
    assert_eq!(
        b.property("form.edit input[name=alias]", "value"),
        "مؤسسة اختبار المتصفح"
    );
    assert_eq!(
        b.property("form.edit select[name=category]", "value"),
        "ngo"
    );
    b.screenshot(&shots.join("edit-form-en.png"));
    b.click("form.edit button[type=submit]");
    b.url_when(|u| u.ends_with("/partners/browser-test"));
    assert_eq!(history(), rows, "an unchanged form wrote history");
    b.open(&format!("{base}/partners/browser-test/edit?lang=ar"));
    assert_eq!(b.property("html", "dir"), "rtl");
    b.type_in("form.edit input[name=website]", "https://browser.example");
    b.screenshot(&shots.join("edit-form-ar.png"));
    b.click("form.edit button[type=submit]");
    let after = b.url_when(|u| u.ends_with("/partners/browser-test?lang=ar"));
    assert!(
        after.ends_with("/partners/browser-test?lang=ar"),
        "{after}: {}",
        b.text("main")
    );
    assert_eq!(history(), rows + 1);
    b.close();

    let shown = env.run(&["show", "browser-test"]);
    let out = shown.ok();
    assert!(out.contains("Browser Test Foundation"), "{out}");
    assert!(out.contains("ngo"), "{out}");
    assert!(out.contains("مؤسسة اختبار المتصفح"), "{out}");
    assert!(out.contains("https://browser.example"), "{out}");
    drop(guard);
    println!(
        "browser test: {:.1} s, screenshots in {}",
        started.elapsed().as_secs_f64(),
        shots.display()
    );
}
