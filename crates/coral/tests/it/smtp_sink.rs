//! A real SMTP server for the tests, speaking the protocol over TCP (EHLO/HELO, MAIL,
//! RCPT, DATA, RSET, NOOP, QUIT; no STARTTLS offered, as a local relay). It records
//! every message and every RCPT it was asked for, and can be told to refuse the next
//! RCPTs with a given reply (550: the address bounces; 451: try later).

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// The DATA, headers and body, dot-unstuffed.
    pub data: String,
}

#[derive(Default)]
struct Inner {
    mails: Vec<Mail>,
    rcpts: Vec<String>,
    refuse: Vec<&'static str>,
}

#[derive(Clone)]
pub struct Sink {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl Sink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let inner = Arc::new(Mutex::new(Inner::default()));
        let shared = Arc::clone(&inner);
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                tokio::spawn(session(sock, Arc::clone(&shared)));
            }
        });
        Self { url, inner }
    }

    /// The next RCPT commands are answered with these replies, in order.
    pub fn refuse_next(&self, replies: &[&'static str]) {
        self.inner.lock().unwrap().refuse.extend_from_slice(replies);
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.inner.lock().unwrap().mails.clone()
    }

    /// Every RCPT asked for, accepted or not.
    pub fn rcpts(&self) -> Vec<String> {
        self.inner.lock().unwrap().rcpts.clone()
    }
}

fn address(arg: &str) -> String {
    let start = arg.find('<').map_or(0, |i| i + 1);
    let end = arg.rfind('>').unwrap_or(arg.len());
    arg[start..end.max(start)].to_owned()
}

async fn session(sock: tokio::net::TcpStream, inner: Arc<Mutex<Inner>>) {
    let (read, mut write) = sock.into_split();
    let mut lines = BufReader::new(read);
    let _ = write.write_all(b"220 sink.test ESMTP test sink\r\n").await;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let cmd = line.trim_end().to_owned();
        let upper = cmd.to_ascii_uppercase();
        let answer = if upper.starts_with("EHLO") {
            "250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8".to_owned()
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            "250 ok".into()
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&cmd[10..]);
            to.clear();
            "250 ok".into()
        } else if upper.starts_with("RCPT TO:") {
            let rcpt = address(&cmd[8..]);
            let mut g = inner.lock().unwrap();
            g.rcpts.push(rcpt.clone());
            if g.refuse.is_empty() {
                to.push(rcpt);
                "250 ok".into()
            } else {
                g.refuse.remove(0).to_owned()
            }
        } else if upper == "DATA" {
            let _ = write.write_all(b"354 go ahead\r\n").await;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            inner.lock().unwrap().mails.push(Mail {
                from: from.clone(),
                to: std::mem::take(&mut to),
                data,
            });
            "250 queued".into()
        } else if upper.starts_with("RSET") {
            to.clear();
            "250 ok".into()
        } else if upper.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            "502 not implemented".into()
        };
        let _ = write.write_all(format!("{answer}\r\n").as_bytes()).await;
    }
}
