//! A tiny SMTP server for the tests: real sockets, real protocol (EHLO/HELO,
//! MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT), recording what it accepts.
//! It can be told to refuse messages with a 4xx reply. Never a mock transport.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

impl Received {
    /// An (unfolded) header's value, RFC 2047 base64 words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        let prefix = format!("{}:", name.to_lowercase());
        unfolded
            .split("\r\n")
            .find(|l| l.to_lowercase().starts_with(&prefix))
            .map(|l| decode_words(l[prefix.len()..].trim()))
    }

    pub fn subject(&self) -> String {
        self.header("Subject").unwrap_or_default()
    }

    pub fn message_id(&self) -> String {
        self.header("Message-ID").unwrap_or_default()
    }
}

fn decode_words(value: &str) -> String {
    use base64::Engine;
    let mut out = String::new();
    let mut previous_encoded = None;
    for word in value.split(' ') {
        let encoded = word.to_lowercase().starts_with("=?utf-8?b?") && word.ends_with("?=");
        // The space between two encoded words is not part of the text.
        if previous_encoded.is_some() && !(encoded && previous_encoded == Some(true)) {
            out.push(' ');
        }
        if encoded {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&word[10..word.len() - 2])
                .unwrap_or_default();
            out.push_str(&String::from_utf8_lossy(&bytes));
        } else {
            out.push_str(word);
        }
        previous_encoded = Some(encoded);
    }
    out
}

#[derive(Default)]
struct State {
    messages: Vec<Received>,
    refuse: Option<String>,
}

pub struct SmtpServer {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || {
                    let _ = session(stream, &state);
                });
            }
        });
        SmtpServer { addr, state }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// From now on, answer MAIL FROM with this reply (e.g. `451 …`); `None`
    /// accepts again.
    pub fn refuse(&self, reply: Option<&str>) {
        self.state.lock().unwrap().refuse = reply.map(str::to_owned);
    }

    pub fn messages(&self) -> Vec<Received> {
        self.state.lock().unwrap().messages.clone()
    }
}

/// An address where nothing listens: an SMTP server that is down.
pub fn dead_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("smtp://{addr}")
}

fn session(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 test-smtp ESMTP ready\r\n")?;
    let mut from = String::new();
    let mut to = Vec::new();
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_uppercase();
        if upper.starts_with("EHLO") {
            out.write_all(b"250-test-smtp\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?;
        } else if upper.starts_with("HELO") {
            out.write_all(b"250 test-smtp\r\n")?;
        } else if upper.starts_with("MAIL FROM:") {
            let refuse = state.lock().unwrap().refuse.clone();
            if let Some(reply) = refuse {
                out.write_all(format!("{reply}\r\n").as_bytes())?;
                continue;
            }
            from = command[10..].trim().to_owned();
            to.clear();
            out.write_all(b"250 OK\r\n")?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(
                command[8..]
                    .trim()
                    .trim_start_matches('<')
                    .split('>')
                    .next()
                    .unwrap_or("")
                    .to_owned(),
            );
            out.write_all(b"250 OK\r\n")?;
        } else if upper == "DATA" {
            out.write_all(b"354 end with .\r\n")?;
            let mut data = String::new();
            loop {
                let mut l = String::new();
                if lines.read_line(&mut l)? == 0 {
                    return Ok(());
                }
                if l == ".\r\n" || l == ".\n" {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
            }
            state.lock().unwrap().messages.push(Received {
                from: from.clone(),
                to: std::mem::take(&mut to),
                data,
            });
            out.write_all(b"250 OK queued\r\n")?;
        } else if upper == "RSET" || upper == "NOOP" {
            out.write_all(b"250 OK\r\n")?;
        } else if upper == "QUIT" {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"502 not implemented\r\n")?;
        }
    }
}
